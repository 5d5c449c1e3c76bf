#include "detectors/trend_statistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace netsnap::analysis::detectors {
namespace {

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

int sign(double x) { return (x > 0) - (x < 0); }

}  // namespace

MannKendall mann_kendall(std::span<const double> values) {
  MannKendall out;
  const size_t n = values.size();
  if (n < 2) return out;
  double s = 0;
  for (size_t i = 0; i + 1 < n; ++i)
    for (size_t j = i + 1; j < n; ++j) s += sign(values[j] - values[i]);
  // Tie correction: each group of t equal values removes t(t-1)(2t+5) from n(n-1)(2n+5).
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double ties = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && sorted[j] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i);
    ties += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  const double dn = static_cast<double>(n);
  out.s = s;
  out.variance = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18;
  if (out.variance <= 0) return out;  // every value equal: no evidence either way
  const double corrected = s > 0 ? s - 1 : s < 0 ? s + 1 : 0;
  out.z = corrected / std::sqrt(out.variance);
  out.p_rising = 0.5 * std::erfc(out.z / std::sqrt(2.0));
  return out;
}

double theil_sen_slope(std::span<const double> t, std::span<const double> v) {
  std::vector<double> slopes;
  const size_t n = std::min(t.size(), v.size());
  slopes.reserve(n * (n - (n > 0)) / 2);
  for (size_t i = 0; i + 1 < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (t[j] != t[i]) slopes.push_back((v[j] - v[i]) / (t[j] - t[i]));
  return median_of(std::move(slopes));
}

std::optional<double> least_squares_slope(std::span<const double> t, std::span<const double> v,
                                          double from_t) {
  double sum_t = 0, sum_v = 0, count = 0;
  const size_t n = std::min(t.size(), v.size());
  for (size_t i = 0; i < n; ++i)
    if (t[i] >= from_t) sum_t += t[i], sum_v += v[i], ++count;
  if (count < 3) return std::nullopt;
  const double mean_t = sum_t / count, mean_v = sum_v / count;
  double stt = 0, stv = 0;
  for (size_t i = 0; i < n; ++i) {
    if (t[i] < from_t) continue;
    stt += (t[i] - mean_t) * (t[i] - mean_t);
    stv += (t[i] - mean_t) * (v[i] - mean_v);
  }
  if (stt <= 0) return std::nullopt;
  return stv / stt;
}

double net_rise(std::span<const double> values) {
  if (values.empty()) return 0;
  const size_t k = std::max<size_t>(1, values.size() / 5);
  const std::vector<double> first(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k));
  const std::vector<double> last(values.end() - static_cast<std::ptrdiff_t>(k), values.end());
  return median_of(last) - median_of(first);
}

std::optional<size_t> cusum_onset(std::span<const double> values) {
  const size_t n = values.size();
  if (n < 2) return std::nullopt;
  const size_t k = std::max<size_t>(1, n / 5);
  const double baseline =
      median_of(std::vector<double>(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k)));
  // Noise from the steps, robustly: MAD of first differences, scaled to a standard deviation
  // of one value (differences have sqrt(2) times the spread). A clean step series has none,
  // and then any excess counts.
  std::vector<double> steps;
  for (size_t i = 1; i < n; ++i) steps.push_back(std::fabs(values[i] - values[i - 1]));
  const double sigma = median_of(std::move(steps)) * 1.4826 / std::sqrt(2.0);
  const double slack = 0.5 * sigma;
  double sum = 0, best = 0;
  size_t left_zero = 0;
  std::optional<size_t> onset;
  for (size_t i = 0; i < n; ++i) {
    const double next = std::max(0.0, sum + values[i] - baseline - slack);
    if (sum == 0 && next > 0) left_zero = i;
    sum = next;
    if (sum > best) best = sum, onset = left_zero;
  }
  return onset;
}

TrendAssessment assess_trend(std::span<const double> t, std::span<const double> v,
                             size_t min_points, double alpha, double min_rise) {
  TrendAssessment out;
  out.points = std::min(t.size(), v.size());
  out.enough_points = out.points >= std::max<size_t>(min_points, 3);
  if (!out.enough_points) return out;
  out.slope = theil_sen_slope(t, v);
  out.p_value = mann_kendall(v.first(out.points)).p_rising;
  out.rise = net_rise(v.first(out.points));
  out.rising = out.p_value < alpha && out.slope > 0 && out.rise >= min_rise;
  if (out.rising) out.onset = cusum_onset(v.first(out.points));
  return out;
}

}  // namespace netsnap::analysis::detectors
