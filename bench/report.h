#pragma once
// Engine and PyTorch benchmark results side by side. Both sides use the JSON layout of
// bench/torch_ref.py: results.<workload>.{batch, unit, train, infer} with {min, median, max,
// samples} throughputs and <mode>_windows (each with "foreign"), and results.ig_cnn_morphology
// .batched in ms per map.
#include <string>
#include <vector>

#include "core/json.h"

namespace deepfield::bench {

// Where torch_ref.py lives in the source tree (bench/), for the default script path.
std::string benchSourceDir();

// {meta, eigen_gemm_gflops, workloads: {name: {unit, batch, engine, torch, ratio, foreign, conv}}, ig,
//  peak_memory}. ratio = engine / torch throughput (median over repeats; also min and max pairwise
// by rank); for integrated gradients ratio = torch ms / engine ms. `torch` may be null.
Json compareResults(const Json& engine, const Json& torch);

// One torch_ref.py result from several runs of it (rounds interleaved with the engine's): per
// workload and mode the windows of every run, in run order, and min/median/max recomputed from
// them (throughput = batch · calls / seconds, ms from per_call_ms); meta from the first run with
// "rounds" added.
Json mergeTorchRuns(const std::vector<Json>& runs);

// The table printed at the end of a run (one row per workload and mode).
std::string comparisonTable(const Json& combined);

}  // namespace deepfield::bench
