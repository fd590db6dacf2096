#include "timing.h"

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace deepfield::bench {

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// All CPUs' busy time (user nice system irq softirq) in seconds, from /proc/stat.
double machineBusySeconds() {
    std::ifstream f("/proc/stat");
    std::string cpu;
    long long v[8] = {};
    f >> cpu;
    for (long long& x : v) f >> x;
    return double(v[0] + v[1] + v[2] + v[5] + v[6]) / double(sysconf(_SC_CLK_TCK));
}

double ownCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

int cpuCount() { return std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)); }

// Waits (up to maxWait s) until other processes use less than thresh of all cores for ~1 s.
void waitQuiet(double maxWait, double thresh) {
    const auto t0 = Clock::now();
    while (true) {
        const double b0 = machineBusySeconds(), c0 = ownCpuSeconds();
        const auto w0 = Clock::now();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const double foreign =
            std::max(0.0, machineBusySeconds() - b0 - (ownCpuSeconds() - c0)) / (secondsSince(w0) * cpuCount());
        if (foreign < thresh || secondsSince(t0) > maxWait) return;
    }
}
}  // namespace

WindowResult timedWindow(const std::function<void()>& fn, const WindowOptions& o) {
    WindowResult r;
    for (int attempt = 0; attempt <= o.retries; ++attempt) {
        if (o.quietWait > 0) waitQuiet(attempt ? 3 * o.quietWait : o.quietWait, o.maxForeign);
        const double b0 = machineBusySeconds(), c0 = ownCpuSeconds();
        const auto t0 = Clock::now();
        long n = 0;
        do {
            fn();
            ++n;
        } while (secondsSince(t0) < o.minTime);
        r.seconds = secondsSince(t0);
        const double own = ownCpuSeconds() - c0;
        r.calls = n;
        r.ownCores = own / r.seconds;
        r.foreign = std::max(0.0, machineBusySeconds() - b0 - own) / (r.seconds * cpuCount());
        r.tries = attempt + 1;
        if (r.foreign <= o.maxForeign) break;
    }
    return r;
}

void warmup(const std::function<void()>& fn, double seconds, int minCalls) {
    const auto t0 = Clock::now();
    for (int n = 0; n < minCalls || secondsSince(t0) < seconds; ++n) fn();
}

Summary summarize(std::vector<double> v) {
    Summary s;
    s.samples = v;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.max = v.back();
    const std::size_t h = v.size() / 2;
    s.median = v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
    return s;
}

double eigenGemmGflops(int n, double seconds) {
    Eigen::MatrixXf a = Eigen::MatrixXf::Random(n, n), b = Eigen::MatrixXf::Random(n, n), c(n, n);
    c.noalias() = a * b;  // warm-up (page faults, thread team)
    double best = 0.0;
    const auto t0 = Clock::now();
    do {
        const auto t = Clock::now();
        c.noalias() = a * b;
        best = std::max(best, 2.0 * double(n) * n * n / secondsSince(t) * 1e-9);
    } while (secondsSince(t0) < seconds);
    volatile float sink = c(0, 0);
    (void)sink;
    return best;
}

long procStatusKb(const std::string& field) {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    return -1;
}

std::string cpuModel() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("model name", 0) == 0) {
            const auto p = line.find(':');
            return p == std::string::npos ? line : line.substr(p + 2);
        }
    return "?";
}

std::string nowUtc() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

}  // namespace deepfield::bench
