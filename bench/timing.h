#pragma once
// Timing windows measured the way bench/torch_ref.py measures them, so the two sides compare:
// run a function for at least `minTime` seconds after waiting for a quiet machine, record how
// much CPU other processes used meanwhile ("foreign", share of all cores) and retry busy windows.
#include <functional>
#include <string>
#include <vector>

namespace deepfield::bench {

struct WindowOptions {
    double minTime = 5.0;      // seconds per window
    double maxForeign = 0.10;  // retry a window when other processes used more than this share
    int retries = 2;
    double quietWait = 10.0;   // seconds to wait for a quiet machine before a window (30 on retries)
};

struct WindowResult {
    long calls = 0;
    double seconds = 0.0;
    double ownCores = 0.0;  // CPU time of this process / wall time
    double foreign = 0.0;   // other processes' CPU / (wall · cores)
    int tries = 1;
    double perCallMs() const { return 1e3 * seconds / double(calls); }
};

WindowResult timedWindow(const std::function<void()>& fn, const WindowOptions& o);
// Runs fn for `seconds` and at least minCalls times.
void warmup(const std::function<void()>& fn, double seconds, int minCalls = 5);

struct Summary {
    double min = 0, median = 0, max = 0;
    std::vector<double> samples;
};
Summary summarize(std::vector<double> v);

// Eigen's float GEMM rate (GFLOP/s) on n×n matrices with the current OpenMP thread count:
// the best of repeated products over about `seconds`.
double eigenGemmGflops(int n = 1024, double seconds = 1.0);

// Fields of /proc/self/status in kB (VmHWM: peak resident set, VmRSS: current); -1 if absent.
long procStatusKb(const std::string& field);

std::string cpuModel();
std::string nowUtc();  // 2026-11-26T20:00:00Z

}  // namespace deepfield::bench
