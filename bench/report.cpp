#include "report.h"

#include <cstdio>
#include <sstream>

#include "timing.h"

namespace deepfield::bench {

std::string benchSourceDir() { return DEEPFIELD_BENCH_DIR; }

namespace {
double maxForeign(const Json& windows) {
    double m = 0;
    if (windows.is_array())
        for (const Json& w : windows) m = std::max(m, w.value("foreign", 0.0));
    return m;
}

Json ratio(const Json& num, const Json& den) {
    if (!num.is_object() || !den.is_object()) return nullptr;
    Json r;
    for (const char* k : {"min", "median", "max"}) r[k] = num.at(k).get<double>() / den.at(k).get<double>();
    return r;
}

Json side(const Json& results, const std::string& name, const char* mode) {
    if (!results.contains(name) || !results[name].contains(mode)) return nullptr;
    return results[name][mode];
}
}  // namespace

Json mergeTorchRuns(const std::vector<Json>& runs) {
    if (runs.empty()) return nullptr;
    if (runs.size() == 1) return runs.front();
    Json merged{{"meta", runs.front().value("meta", Json::object())}, {"results", Json::object()}};
    merged["meta"]["rounds"] = runs.size();
    Json& out = merged["results"];
    for (const Json& run : runs) {
        const Json results = run.value("results", Json::object());
        for (auto it = results.begin(); it != results.end(); ++it) {
            Json& e = out[it.key()];
            for (auto f = it->begin(); f != it->end(); ++f) {
                const std::string key = f.key();
                if (key.size() > 8 && key.compare(key.size() - 8, 8, "_windows") == 0) {
                    for (const Json& w : *f) e[key].push_back(w);
                } else if (!e.contains(key)) {
                    e[key] = *f;  // desc, batch, unit, params; summaries are recomputed below
                }
            }
        }
    }
    auto summary = [](const std::vector<double>& v) {
        const Summary s = summarize(v);
        return Json{{"min", s.min}, {"median", s.median}, {"max", s.max}, {"samples", s.samples}};
    };
    for (auto it = out.begin(); it != out.end(); ++it) {
        Json& e = *it;
        const bool ig = it.key() == "ig_cnn_morphology";
        for (const char* mode : ig ? std::vector<const char*>{"batched", "loop"}
                                   : std::vector<const char*>{"train", "infer"}) {
            const std::string win = std::string(mode) + "_windows";
            if (!e.contains(win)) continue;
            std::vector<double> thr, ms;
            for (const Json& w : e[win]) {
                thr.push_back(e.value("batch", 0.0) * w.at("calls").get<double>() / w.at("seconds").get<double>());
                ms.push_back(w.at("per_call_ms").get<double>());
            }
            if (ig) {
                e[mode] = summary(ms);
            } else {
                e[mode] = summary(thr);
                e[std::string(mode) + "_step_ms"] = summary(ms);
            }
        }
    }
    return merged;
}

Json compareResults(const Json& engine, const Json& torch) {
    Json out;
    out["meta"] = {{"engine", engine.value("meta", Json::object())},
                   {"torch", torch.is_object() ? torch.value("meta", Json::object()) : Json(nullptr)}};
    out["eigen_gemm_gflops"] = engine.value("eigen_gemm_gflops", 0.0);
    out["peak_memory"] = {{"engine", engine.value("peak_memory", Json(nullptr))},
                          {"torch", engine.value("torch_peak_memory", Json(nullptr))}};
    const Json& er = engine.at("results");
    const Json tr = torch.is_object() ? torch.value("results", Json::object()) : Json::object();
    Json w = Json::object();
    for (auto it = er.begin(); it != er.end(); ++it) {
        if (it.key() == "ig_cnn_morphology") continue;
        const std::string name = it.key();
        Json e;
        e["unit"] = it->value("unit", "");
        e["batch"] = it->value("batch", 0);
        for (const char* mode : {"train", "infer"}) {
            const Json a = side(er, name, mode), b = side(tr, name, mode);
            e["engine"][mode] = a;
            e["torch"][mode] = b;
            e["ratio"][mode] = ratio(a, b);
            const std::string win = std::string(mode) + "_windows";
            e["foreign"][mode] = {{"engine", maxForeign(it->value(win, Json()))},
                                  {"torch", tr.contains(name) ? maxForeign(tr[name].value(win, Json())) : 0.0}};
        }
        if (it->contains("conv")) e["conv"] = (*it)["conv"];
        w[name] = e;
    }
    out["workloads"] = w;
    if (er.contains("ig_cnn_morphology")) {
        const Json a = er["ig_cnn_morphology"]["batched"];
        const Json b = tr.contains("ig_cnn_morphology") ? tr["ig_cnn_morphology"]["batched"] : Json(nullptr);
        out["ig"] = {{"unit", "ms/map"},
                     {"engine", a},
                     {"torch", b},
                     {"ratio", ratio(b, a)},  // torch time / engine time: > 1 means the engine is faster
                     {"completeness_error", er["ig_cnn_morphology"].value("completeness_error", 0.0)},
                     {"foreign",
                      {{"engine", maxForeign(er["ig_cnn_morphology"].value("batched_windows", Json()))},
                       {"torch", tr.contains("ig_cnn_morphology")
                                     ? maxForeign(tr["ig_cnn_morphology"].value("batched_windows", Json()))
                                     : 0.0}}}};
    }
    return out;
}

namespace {
std::string num(const Json& s, const char* k, int prec) {
    if (!s.is_object()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", prec, s.at(k).get<double>());
    return buf;
}
std::string pad(const std::string& s, int w, bool left = false) {
    if (int(s.size()) >= w) return s + " ";
    return left ? s + std::string(std::size_t(w) - s.size(), ' ') : std::string(std::size_t(w) - s.size(), ' ') + s;
}
}  // namespace

std::string comparisonTable(const Json& c) {
    std::ostringstream o;
    const double gemm = c.value("eigen_gemm_gflops", 0.0);
    const Json tmeta = c.contains("meta") && c["meta"].value("torch", Json()).is_object() ? c["meta"]["torch"] : Json::object();
    o << "Engine vs PyTorch, throughput min / median / max over repeats"
      << (tmeta.value("interleaved", false) ? " (engine and PyTorch repeats alternating)" : "")
      << "; ratio = median engine / median PyTorch, (min max) = the same for the minima and for the maxima\n"
         "fgn = largest share of all cores used by other processes in a window (engine/torch); conv = the "
         "workload's convolution layers in GFLOP/s and as a share of Eigen's large GEMM ("
      << num(Json{{"v", gemm}}, "v", 1) << " GFLOP/s)\n";
    const std::string hdr = pad("workload", 22, true) + pad("mode", 6, true) + pad("unit", 10, true) +
                            pad("engine min", 11) + pad("median", 10) + pad("max", 10) + pad("torch min", 11) +
                            pad("median", 10) + pad("max", 10) + pad("ratio", 8) + pad("(min", 8) + pad("max)", 8) +
                            pad("fgn e/t", 11) + pad("conv GF/s", 10) + pad("%GEMM", 7);
    o << hdr << "\n" << std::string(hdr.size(), '-') << "\n";
    for (auto it = c["workloads"].begin(); it != c["workloads"].end(); ++it) {
        const Json& e = *it;
        const int prec = e.value("unit", "") == "samples/s" ? 0 : 1;
        for (const char* mode : {"train", "infer"}) {
            const Json& r = e["ratio"][mode];
            char fg[32];
            std::snprintf(fg, sizeof fg, "%.2f/%.2f", e["foreign"][mode]["engine"].get<double>(),
                          e["foreign"][mode]["torch"].get<double>());
            std::string conv = "-", share = "-";
            if (e.contains("conv") && e["conv"].value("layers", 0) > 0) {
                const double g = e["conv"].value(std::string(mode) + "_gflops", 0.0);
                conv = num(Json{{"v", g}}, "v", 1);
                share = num(Json{{"v", gemm > 0 ? 100.0 * g / gemm : 0.0}}, "v", 0) + "%";
            }
            o << pad(it.key(), 22, true) << pad(mode, 6, true) << pad(e.value("unit", ""), 10, true)
              << pad(num(e["engine"][mode], "min", prec), 11) << pad(num(e["engine"][mode], "median", prec), 10)
              << pad(num(e["engine"][mode], "max", prec), 10) << pad(num(e["torch"][mode], "min", prec), 11)
              << pad(num(e["torch"][mode], "median", prec), 10) << pad(num(e["torch"][mode], "max", prec), 10)
              << pad(num(r, "median", 2), 8) << pad(num(r, "min", 2), 8) << pad(num(r, "max", 2), 8) << pad(fg, 11)
              << pad(conv, 10) << pad(share, 7) << "\n";
        }
    }
    if (c.contains("ig")) {
        const Json& g = c["ig"];
        char fg[32];
        std::snprintf(fg, sizeof fg, "%.2f/%.2f", g["foreign"]["engine"].get<double>(),
                      g["foreign"]["torch"].get<double>());
        o << pad("ig (50 steps)", 22, true) << pad("map", 6, true) << pad("ms/map", 10, true)
          << pad(num(g["engine"], "min", 2), 11) << pad(num(g["engine"], "median", 2), 10)
          << pad(num(g["engine"], "max", 2), 10) << pad(num(g["torch"], "min", 2), 11)
          << pad(num(g["torch"], "median", 2), 10) << pad(num(g["torch"], "max", 2), 10)
          << pad(num(g["ratio"], "median", 2), 8) << pad(num(g["ratio"], "min", 2), 8)
          << pad(num(g["ratio"], "max", 2), 8) << pad(fg, 11) << "\n";
        o << "  (ig ratio = PyTorch ms / engine ms; completeness error of the engine's map "
          << num(Json{{"v", 100.0 * g.value("completeness_error", 0.0)}}, "v", 3) << " %)\n";
    }
    const Json& pm = c["peak_memory"];
    if (pm.is_object() && pm["engine"].is_object()) {
        o << "Peak memory training unet_clumps (VmHWM, fresh process): engine "
          << pm["engine"].value("vmhwm_kb", 0L) / 1024 << " MiB (+" << pm["engine"].value("growth_kb", 0L) / 1024
          << " MiB over the process before training)";
        if (pm["torch"].is_object())
            o << ", PyTorch " << pm["torch"].value("vmhwm_kb", 0L) / 1024 << " MiB (+"
              << pm["torch"].value("growth_kb", 0L) / 1024 << " MiB)";
        o << "\n";
    }
    return o.str();
}

}  // namespace deepfield::bench
