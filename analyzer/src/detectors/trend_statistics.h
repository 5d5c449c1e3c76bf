// Explainable trend statistics for short, noisy, step-shaped series (socket counts):
// - Mann-Kendall: is the series rising? Counts pairs that go up minus pairs that go down (S)
//   and gives a one-sided p-value, with the variance corrected for ties (counts repeat a lot).
// - Theil-Sen: the median of all pairwise slopes; one outlier cannot tilt it.
// - Net rise: median of the last fifth minus median of the first fifth, so that a tiny but
//   perfectly monotone series (3 -> 5) is not a "buildup".
// - Least squares: only for projections (time until a limit), where the mean rate matters.
// - One-sided CUSUM: the onset, i.e. where the cumulative excess over the early baseline last
//   left zero before it peaked.
// Mann-Kendall assumes independent points; counts are autocorrelated, which makes p too small.
// The minimum rise is the guard against that, which is why every rule asks for both.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace netsnap::analysis::detectors {

struct MannKendall {
  double s = 0;         // concordant minus discordant pairs
  double variance = 0;  // of S under "no trend", tie-corrected
  double z = 0;         // continuity-corrected
  double p_rising = 1;  // one-sided p-value for an upward trend
};
MannKendall mann_kendall(std::span<const double> values);

// Median of (v[j] - v[i]) / (t[j] - t[i]) over pairs with t[j] > t[i]; 0 when there are none.
double theil_sen_slope(std::span<const double> t, std::span<const double> v);

// Ordinary least-squares slope over the points with t >= from_t; nullopt with fewer than 3
// such points or no spread in t.
std::optional<double> least_squares_slope(std::span<const double> t, std::span<const double> v,
                                          double from_t);

// Median of the last max(1, n/5) values minus the median of the first max(1, n/5).
double net_rise(std::span<const double> values);

// One-sided CUSUM against the median of the first fifth, with a slack of half the series'
// robust step noise: the index where the sum last left zero before its maximum; nullopt when
// it never rises above zero.
std::optional<size_t> cusum_onset(std::span<const double> values);

struct TrendAssessment {
  size_t points = 0;
  bool enough_points = false;
  double slope = 0;       // Theil-Sen, value per unit of t (seconds)
  double p_value = 1;     // Mann-Kendall, one-sided rising
  double rise = 0;        // net_rise
  bool rising = false;    // enough points, p < alpha, slope > 0 and rise >= min_rise
  std::optional<size_t> onset;  // cusum_onset, when rising
};
TrendAssessment assess_trend(std::span<const double> t, std::span<const double> v,
                             size_t min_points, double alpha, double min_rise);

}  // namespace netsnap::analysis::detectors
