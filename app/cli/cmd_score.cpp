// deepfield-cli score: anomaly scores per image of a folder, ranked (VAE reconstruction error or
// the GAN critic), with the ROC AUC when the folder marks its oddballs.
#include <cmath>
#include <filesystem>
#include <map>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/table.h"
#include "generative/anomaly.h"
#include "train_generative.h"

namespace deepfield::cli {

namespace {
const char* kHelp = R"(usage: deepfield-cli score --run <run-dir> --data <image-folder> --out scores.csv

Scores every image (higher = more unusual): a vae-latent run gives the summed squared reconstruction
error of decode(μ(x)); a wgan or dcgan run gives minus the critic's output. Rows come ranked by score:
rank,filename,label,score.
  --statistic sum|chi2|peak   vae-latent: the summed squared residual (default), its mean divided by
                              the image's own noise² (σ = 1.4826·MAD of the residual), or the largest
                              |residual|/σ (isolated oddities: hot pixels, trails)
  --statistic matched         vae-latent: the residual over a per-image noise model (sky + the
                              galaxy's Poisson noise), smoothed to about the PSF and summed over bands:
                              mean square of that matched-filter map (faint trails and arcs)
  --statistic combined        vae-latent: max of the rank fractions of sum and matched within the
                              scored folder (scores in (0, 1], relative to the folder)
When labels.csv has an anomaly_type (or anomaly) column (as simulate --kind anomaly writes;
'none' = normal), the ROC AUC of the scores for finding the oddballs is printed.
)";
}  // namespace

int runScore(Args& args) {
    if (args.flag("help")) {
        std::cout << kHelp;
        return 0;
    }
    const std::string runPath = args.get("run"), data = args.get("data"), out = args.get("out");
    const ResidualStatistic statistic = residualStatisticFromString(args.get("statistic", "sum"));
    args.finish();
    GenerativeRun run = loadGenerativeRun(runPath);
    auto folder = loadFolderForRun(run, data);
    ScaledDataset scaled(folder, run.range());
    std::vector<double> scores;
    if (run.kind == "vae-latent") {
        VaeModel m(std::move(run.first), std::move(run.second));
        m.build();
        scores = statistic == ResidualStatistic::SummedSquared ? vaeReconstructionScores(m, scaled)
                                                               : vaeResidualScores(m, scaled, statistic);
    } else {
        scores = criticScores(run.second, scaled);
    }
    const std::vector<int> order = rankByScore(scores);
    std::ostringstream csv;
    csv.precision(8);
    csv << "rank,filename,label,score\n";
    for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t i = std::size_t(order[r]);
        csv << r + 1 << "," << folder->files()[i] << ","
            << (folder->labels().empty() ? std::string() : folder->classes()[std::size_t(folder->labels()[i])]) << ","
            << scores[i] << "\n";
    }
    writeFileAtomically(out, csv.str());
    std::cout << "scored " << scores.size() << " images with " << (run.kind == "vae-latent" ? std::string("VAE reconstruction error (") + toString(statistic) + ")" : std::string("the critic"))
              << ": '" << out << "'" << std::endl;
    // Known oddballs: the anomaly column of labels.csv.
    const Table t = readCsv(data + "/labels.csv");
    const int col = t.columnIndex("anomaly_type") >= 0 ? t.columnIndex("anomaly_type") : t.columnIndex("anomaly");
    const int fileCol = t.columnIndex("filename");
    if (col >= 0 && fileCol >= 0) {
        std::map<std::string, int> odd;
        for (const auto& row : t.rows) {
            const int isOdd = row[std::size_t(col)] != "none" && !row[std::size_t(col)].empty();
            odd[row[std::size_t(fileCol)]] = isOdd;
            odd[(std::filesystem::path(data) / row[std::size_t(fileCol)]).string()] = isOdd;  // as the folder reader names them
        }
        std::vector<int> positive;
        for (const std::string& f : folder->files()) positive.push_back(odd.count(f) ? odd[f] : 0);
        const double auc = rocAuc(scores, positive);
        if (!std::isnan(auc)) std::cout << "ROC AUC (oddballs from labels.csv): " << auc << std::endl;
    }
    return 0;
}

}  // namespace deepfield::cli
