// The HTML report in a real browser: Debian's chromium, headless, renders the page of a
// recording whose program name and namespace name carry a <script> injection. The screenshot
// must exist and not be blank (the page drew its tables and charts), and the DOM chromium
// builds must hold the injected text as text, never as a <script> element.
//
// Needs the `chromium` package (.ci/setup installs it); the test fails, saying so, without it:
// a report nobody checked in a browser is what this test exists to prevent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "netsnap/recording_writer.h"
#include "report_command.h"

namespace netsnap::analysis {
namespace {

constexpr int64_t start_ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
constexpr int64_t second = 1'000'000'000;
const std::string injected = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";

// 40 snapshots of a process named `injected` leaking CLOSE_WAIT sockets on port 8080.
void write_recording(const std::string& path) {
  FileHeader header;
  header.host_name = "web-1<b>bold</b>";
  header.kernel_release = "6.1.0";
  header.time_zone = "UTC";
  header.started_wall_ns = start_ns;
  auto writer = RecordingWriter::create(path, header, WriterOptions{});
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  for (int i = 0; i < 40; ++i) {
    Snapshot snapshot;
    snapshot.wall_ns = start_ns + i * second;
    Namespace ns;
    ns.inode = 4026532001;
    ns.name = injected;
    for (int k = 0; k <= i; ++k) {
      Socket s;
      s.family = 2;
      s.protocol = Protocol::tcp;
      s.state = tcp_state::close_wait;
      s.local.address = {10, 0, 0, 1};
      s.local.port = 8080;
      s.remote.address = {192, 0, 2, 7};
      s.remote.port = static_cast<uint16_t>(50000 + k);
      s.cookie = static_cast<uint64_t>(1000 + k);
      s.inode = static_cast<uint64_t>(5000 + k);
      s.owners = {4242};
      ns.sockets.push_back(s);
    }
    snapshot.namespaces.push_back(std::move(ns));
    Process p;
    p.pid = 4242;
    p.comm = "leaky";
    p.argv0 = injected;
    p.fd_count = static_cast<uint32_t>(20 + i);
    p.nofile_soft = p.nofile_hard = 1024;
    snapshot.processes.push_back(p);
    ASSERT_TRUE(writer->write(snapshot).ok());
  }
  ASSERT_TRUE(writer->close().ok());
}

// Runs a shell command; returns its exit status and standard output.
int run_shell(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  return pclose(pipe);
}

std::string chromium_command(const std::filesystem::path& profile) {
  return "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic "
         "--no-first-run --disable-background-networking --disable-component-update "
         "--disable-sync --user-data-dir=" +
         profile.string() + " ";
}

// python3 (stdlib only) reads the PNG and prints how many distinct colours a sample of its
// pixels in the top 800 rows has: a blank page has one.
constexpr const char* png_colour_count = R"PY(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, width, height, ctype = 8, b'', 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b'IHDR':
        width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + length
channels = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = width * channels
colours, prev, at = set(), bytearray(stride), 0
for y in range(min(height, 800)):  # the page's top: header, table, first chart
    f, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
    at += 1 + stride
    for x in range(stride):
        a = line[x - channels] if x >= channels else 0
        b, c = prev[x], prev[x - channels] if x >= channels else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 8 == 0:
        for x in range(0, width, 8):
            colours.add(bytes(line[x * channels:x * channels + 3]))
print(len(colours))
)PY";

TEST(ReportBrowser, ChromiumRendersThePageAndRunsNothingInjected) {
  std::string output;
  ASSERT_EQ(run_shell("command -v chromium", output), 0)
      << "chromium is not installed (apt-get install chromium; .ci/setup lists it)";
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("report_browser_test." + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "profile");
  const std::string recording = (dir / "leak.netsnap").string();
  write_recording(recording);

  ReportCommandOptions options;
  options.inputs = {recording};
  options.format = "html";
  options.utc = true;
  std::ostringstream html, err;
  ASSERT_EQ(run_report_command(options, html, err), 0) << err.str();
  const std::filesystem::path page = dir / "report.html";
  std::ofstream(page) << html.str();

  const std::filesystem::path png = dir / "report.png";
  ASSERT_EQ(run_shell(chromium_command(dir / "profile") + "--screenshot=" + png.string() +
                          " --window-size=1200,2000 file://" + page.string() + " 2>/dev/null",
                      output),
            0);
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20'000u) << "a blank 1200x2000 PNG is tiny";
  const std::filesystem::path script = dir / "png_colours.py";
  std::ofstream(script) << png_colour_count;
  ASSERT_EQ(run_shell("python3 " + script.string() + " " + png.string(), output), 0) << output;
  EXPECT_GE(std::stoi(output), 4) << "the screenshot looks blank";

  ASSERT_EQ(run_shell(chromium_command(dir / "profile") + "--dump-dom file://" + page.string() +
                          " 2>/dev/null",
                      output),
            0);
  EXPECT_NE(output.find("close_wait_leak"), std::string::npos) << output.substr(0, 2000);
  EXPECT_EQ(output.find("<script"), std::string::npos) << "an injected script became markup";
  EXPECT_EQ(output.find("<img"), std::string::npos);
  EXPECT_EQ(output.find("<b>bold"), std::string::npos);
  EXPECT_NE(output.find("&lt;script&gt;document.title"), std::string::npos);
  EXPECT_EQ(output.find("<title>pwned"), std::string::npos);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace netsnap::analysis
