// deepfield-cli bench [--only NAMES] [--json FILE] [--repeats N] [--min-time S] [--no-torch]: the reference
// workloads of bench/ (../shared/bench/README.md) on the engine — training and inference throughput
// over interleaved repeats (min/median/max), integrated gradients, the convolutions' FLOP rate as a
// share of Eigen's large-GEMM rate, peak memory of unet_clumps in a fresh process — and (unless
// --no-torch) bench/torch_ref.py in the same run (one engine repeat, one PyTorch repeat, alternating), with
// ratios engine / PyTorch.
#include <omp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include "commands.h"
#include "conv_rate.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "report.h"
#include "timing.h"
#include "workloads.h"

namespace deepfield::cli {

namespace {
using namespace deepfield::bench;

const char* kUsage =
    "usage: deepfield-cli bench [--only NAMES] [--json FILE] [--repeats N] [--min-time S] [--warmup S]\n"
    "                           [--threads N] [--max-foreign F] [--retries N] [--quiet-wait S]\n"
    "                           [--torch | --no-torch] [--no-interleave] [--python EXE] [--torch-script FILE]\n"
    "                           [--torch-json FILE] [--no-memory]\n"
    "  NAMES: comma-separated from mlp_colors, cnn_morphology, cnn_morphology_3band, unet_clumps, vae_latent,\n"
    "         gan, ig (default: all). bench/torch_ref.py runs with the same options in the same run: one\n"
    "         engine repeat, then one PyTorch repeat, and so on, so that a machine whose speed drifts during\n"
    "         the run affects both sides alike (--no-interleave: every engine repeat first, then PyTorch's).\n"
    "         Without PyTorch installed the engine's figures come alone, with a warning (--torch: an error);\n"
    "         --no-torch skips it; --torch-json compares with an earlier torch_ref.py JSON instead.";

std::string selfPath() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw Error("bench: cannot find this executable's path (/proc/self/exe)");
    return std::string(buf, std::size_t(n));
}

std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs a command and returns its last stdout line that parses as a JSON object.
Json runForJson(const std::string& command) {
    FILE* p = popen(command.c_str(), "r");
    if (!p) throw Error("bench: cannot run " + command);
    std::string line, last;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) {
        line = buf;
        if (!line.empty() && line[0] == '{') last = line;
    }
    const int rc = pclose(p);
    if (rc != 0 || last.empty()) throw Error("bench: '" + command + "' failed (exit status " + std::to_string(rc) + ")");
    return Json::parse(last);
}

// Child process: train unet_clumps (or another workload) for `steps` steps and print peak memory.
int memoryProbe(const std::string& name, int steps) {
    auto w = makeWorkload(name);
    const long before = procStatusKb("VmRSS");
    for (int i = 0; i < steps; ++i) w->trainStep();
    const long hwm = procStatusKb("VmHWM");
    std::cout << Json{{"workload", name}, {"steps", steps}, {"vmrss_before_kb", before}, {"vmhwm_kb", hwm},
                      {"growth_kb", hwm - before}}
                     .dump()
              << std::endl;
    return 0;
}

Json summaryJson(const Summary& s) {
    return Json{{"min", s.min}, {"median", s.median}, {"max", s.max}, {"samples", s.samples}};
}

Json windowJson(const WindowResult& w) {
    return Json{{"calls", w.calls},       {"seconds", w.seconds}, {"per_call_ms", w.perCallMs()},
                {"own_cores", w.ownCores}, {"foreign", w.foreign}, {"tries", w.tries}};
}
}  // namespace

int runBench(Args& args) {
    if (args.flag("help")) {
        std::cout << kUsage << "\n";
        return 0;
    }
    if (args.has("memory-probe")) {
        const std::string name = args.get("memory-probe");
        const int steps = args.getInt("steps", 20, 1);
        args.finish();
        return memoryProbe(name, steps);
    }
    std::vector<std::string> only = args.has("only") ? args.getList("only") : std::vector<std::string>{};
    const std::string jsonPath = args.get("json", "");
    const int repeats = args.getInt("repeats", 3, 1);
    WindowOptions wo;
    wo.minTime = args.getDouble("min-time", 5.0);
    const double warm = args.getDouble("warmup", 1.0);
    const int threads = args.getInt("threads", 2, 1);
    wo.maxForeign = args.getDouble("max-foreign", 0.10);
    wo.retries = args.getInt("retries", 2, 0);
    wo.quietWait = args.getDouble("quiet-wait", 10.0);
    const bool torchRequired = args.flag("torch");  // PyTorch runs by default; --torch makes its absence an error
    const bool noTorch = args.flag("no-torch");
    const bool interleave = !args.flag("no-interleave");
    const std::string python = args.get("python", "/usr/bin/python3");
    const std::string torchScript = args.get("torch-script", benchSourceDir() + "/torch_ref.py");
    const std::string torchJsonPath = args.get("torch-json", "");
    const bool noMemory = args.flag("no-memory");
    // Profiling aid: time only training or only inference windows.
    const std::string modes = args.get("modes", "train,infer");
    args.finish();
    if (!(wo.minTime > 0)) throw UsageError("--min-time must be > 0 seconds");
    if (torchRequired && (noTorch || !torchJsonPath.empty()))
        throw UsageError("--torch cannot be combined with --no-torch or --torch-json");
    bool runTorch = !noTorch && torchJsonPath.empty();
    std::string torchSkipped;
    if (runTorch && std::system((shellQuote(python) + " -c 'import torch' >/dev/null 2>&1").c_str()) != 0) {
        torchSkipped = python + " cannot import torch: install python3-torch and libopenblas0-openmp (scripts/bench.sh "
                                "does), or pass --python";
        if (torchRequired) throw InputError("bench --torch: " + torchSkipped);
        std::cerr << "deepfield bench: no PyTorch comparison (" << torchSkipped << "); engine figures only\n";
        runTorch = false;
    }

    bool wantIg = only.empty();
    std::vector<std::string> names;
    for (const std::string& n : only.empty() ? workloadNames() : only) {
        if (n == "ig") {
            wantIg = true;
            continue;
        }
        names.push_back(n);
    }
    omp_set_num_threads(threads);
    std::vector<std::unique_ptr<Workload>> wls;
    for (const std::string& n : names) wls.push_back(makeWorkload(n));  // InputError for unknown names
    std::unique_ptr<IgWorkload> ig = wantIg ? std::make_unique<IgWorkload>() : nullptr;

    const char* policy = std::getenv("OMP_WAIT_POLICY");
    Json meta{{"engine", "deepfield"},
              {"threads", threads},
              {"omp_wait_policy", policy ? policy : "(default)"},
              {"cpu_model", cpuModel()},
              {"ncpu", sysconf(_SC_NPROCESSORS_ONLN)},
              {"started", nowUtc()},
              {"args", {{"repeats", repeats}, {"interleave", runTorch && interleave}, {"min_time", wo.minTime},
                        {"warmup", warm}, {"max_foreign", wo.maxForeign},
                        {"retries", wo.retries}, {"only", only}}}};
    std::cerr << "deepfield bench: " << threads << " threads, OMP_WAIT_POLICY " << meta["omp_wait_policy"].get<std::string>()
              << ", " << meta["cpu_model"].get<std::string>() << "\n";
    const double gemm = eigenGemmGflops(1024, 1.0);
    std::cerr << "Eigen float GEMM 1024^3: " << gemm << " GFLOP/s\n";

    for (auto& w : wls) {
        warmup([&] { w->trainStep(); }, warm);
        warmup([&] { w->infer(); }, warm);
    }
    if (ig) warmup([&] { ig->run(); }, warm, 3);

    // One run of torch_ref.py with `reps` repeats of every selected workload; its JSON.
    auto torchRun = [&](int reps) {
        const std::string out = "/tmp/deepfield_torch_ref_" + std::to_string(getpid()) + ".json";
        std::string onlyArg;
        for (const std::string& n : only) onlyArg += (onlyArg.empty() ? "" : ",") + n;
        std::string cmd = shellQuote(python) + " " + shellQuote(torchScript) + " --repeats " + std::to_string(reps) +
                          " --min-time " + std::to_string(wo.minTime) + " --warmup " + std::to_string(warm) +
                          " --threads " + std::to_string(threads) + " --max-foreign " + std::to_string(wo.maxForeign) +
                          " --retries " + std::to_string(wo.retries) + " --json " + shellQuote(out);
        if (!onlyArg.empty()) cmd += " --only " + shellQuote(onlyArg);
        std::cerr << "running " << cmd << "\n";
        std::cout.flush();
        if (std::system(cmd.c_str()) != 0) throw Error("bench: the PyTorch reference failed: " + cmd);
        std::ifstream f(out);
        Json j = Json::parse(f);
        std::remove(out.c_str());
        return j;
    };
    std::vector<Json> torchRuns;

    std::map<std::string, std::vector<WindowResult>> raw;  // "<name>/<mode>"
    for (int r = 0; r < repeats; ++r) {
        for (auto& w : wls) {
            if (modes.find("train") != std::string::npos)
                raw[w->name() + "/train"].push_back(timedWindow([&] { w->trainStep(); }, wo));
            if (modes.find("infer") != std::string::npos)
                raw[w->name() + "/infer"].push_back(timedWindow([&] { w->infer(); }, wo));
        }
        if (ig) raw["ig/batched"].push_back(timedWindow([&] { ig->run(); }, wo));
        std::cerr << "repeat " << r + 1 << "/" << repeats << " done\n";
        if (runTorch && interleave) torchRuns.push_back(torchRun(1));
    }
    if (runTorch && !interleave) torchRuns.push_back(torchRun(repeats));

    Json results = Json::object();
    for (auto& w : wls) {
        Json e{{"batch", w->batch()}, {"unit", w->unit()}};
        for (const char* mode : {"train", "infer"}) {
            const auto& win = raw[w->name() + "/" + mode];
            if (win.empty()) continue;
            std::vector<double> thr, ms;
            Json wj = Json::array();
            for (const WindowResult& x : win) {
                thr.push_back(double(w->batch()) * double(x.calls) / x.seconds);
                ms.push_back(x.perCallMs());
                wj.push_back(windowJson(x));
            }
            e[mode] = summaryJson(summarize(thr));
            e[std::string(mode) + "_step_ms"] = summaryJson(summarize(ms));
            e[std::string(mode) + "_windows"] = wj;
        }
        const ConvRate cr = measureConvRate(w->graphs(), w->batch());
        e["conv"] = {{"layers", cr.layers},
                     {"train_gflops", cr.trainGflops()},
                     {"infer_gflops", cr.inferGflops()},
                     {"train_share_of_gemm", cr.trainGflops() / gemm},
                     {"infer_share_of_gemm", cr.inferGflops() / gemm}};
        results[w->name()] = e;
    }
    if (ig) {
        std::vector<double> ms;
        Json wj = Json::array();
        for (const WindowResult& x : raw["ig/batched"]) {
            ms.push_back(x.perCallMs());
            wj.push_back(windowJson(x));
        }
        results["ig_cnn_morphology"] = {{"unit", "ms/map"},
                                        {"batched", summaryJson(summarize(ms))},
                                        {"batched_windows", wj},
                                        {"completeness_error", ig->lastCompletenessError()}};
    }
    Json engine{{"meta", meta}, {"eigen_gemm_gflops", gemm}, {"results", results}};

    const bool unetSelected = std::find(names.begin(), names.end(), "unet_clumps") != names.end();
    if (unetSelected && !noMemory) {
        engine["peak_memory"] = runForJson(shellQuote(selfPath()) + " bench --memory-probe unet_clumps --steps 20");
        if (runTorch)
            engine["torch_peak_memory"] = runForJson(shellQuote(python) + " " +
                                                     shellQuote(benchSourceDir() + "/torch_peak_memory.py") +
                                                     " --threads " + std::to_string(threads) + " --steps 20");
    }

    Json torch;
    if (runTorch) {
        torch = mergeTorchRuns(torchRuns);
        torch["meta"]["interleaved"] = interleave;
    } else if (!torchJsonPath.empty()) {
        std::ifstream f(torchJsonPath);
        if (!f) throw InputError("bench: cannot read --torch-json " + torchJsonPath);
        torch = Json::parse(f);
    }
    Json combined = compareResults(engine, torch);
    if (!torchSkipped.empty()) combined["torch_skipped"] = torchSkipped;
    combined["engine_raw"] = engine;
    if (torch.is_object()) combined["torch_raw"] = torch;
    std::cout << "\n" << comparisonTable(combined);
    if (!jsonPath.empty()) {
        writeFileAtomically(jsonPath, combined.dump(1) + "\n");
        std::cout << "JSON: " << jsonPath << "\n";
    }
    return 0;
}

}  // namespace deepfield::cli
