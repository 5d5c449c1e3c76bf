// Placeholder until the sampling loop lands.
int main() { return 0; }
