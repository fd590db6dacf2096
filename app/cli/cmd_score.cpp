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
  --reference <folder>        vae-latent: normal images (e.g. the run's training folder); each image's
                              statistic is divided by the mean statistic of its k nearest reference
                              images in latent μ, so a galaxy is compared with galaxies like it (a
                              clumpy irregular with irregulars); with combined, sum and matched are
                              normalised each before their rank fractions are taken
  --statistic annulus         vae-latent, with --reference: the residual summed over bands, smoothed
                              to about the PSF and squared, averaged in 1-px annuli around the stamp
                              centre; the score is the largest ratio of an annulus's power to that
                              annulus's mean power among the k nearest reference images (the clumps
                              an irregular leaves inside are normal for irregulars; a ring or arc
                              outside a galaxy is not)
  --neighbours k              how many reference neighbours (default 20)
  --run <dir1>,<dir2>,...     an ensemble of runs of one kind: each run's scores become rank
                              fractions within the folder, and the score is their mean
When labels.csv has an anomaly_type (or anomaly) column (as simulate --kind anomaly writes;
'none' = normal), the ROC AUC of the scores for finding the oddballs is printed.
)";
}  // namespace

int runScore(Args& args) {
    if (args.flag("help")) {
        std::cout << kHelp;
        return 0;
    }
    const std::string runArg = args.get("run"), data = args.get("data"), out = args.get("out");
    const ResidualStatistic statistic = residualStatisticFromString(args.get("statistic", "sum"));
    const std::string referencePath = args.get("reference", "");
    if (args.has("neighbours") && referencePath.empty())
        throw UsageError("--neighbours counts neighbours in the --reference folder: give --reference <folder> too");
    const int neighbours = args.getInt("neighbours", 20, 1);
    if (statistic == ResidualStatistic::Annulus && referencePath.empty())
        throw UsageError("--statistic annulus compares each image with reference galaxies: give --reference <folder> "
                         "(normal images, e.g. the run's training folder)");
    args.finish();
    // A comma-separated --run is an ensemble, unless the whole text names one directory.
    std::vector<std::string> runPaths{runArg};
    if (runArg.find(',') != std::string::npos && !std::filesystem::exists(runArg)) {
        runPaths.clear();
        std::stringstream list(runArg);
        for (std::string item; std::getline(list, item, ',');)
            if (!item.empty()) runPaths.push_back(item);
    }
    std::shared_ptr<ImageFolderDataset> folder;
    std::string kind;
    std::vector<std::vector<double>> perRun;
    for (const std::string& runPath : runPaths) {
        GenerativeRun run = loadGenerativeRun(runPath);
        if (!kind.empty() && run.kind != kind)
            throw UsageError("--run: an ensemble needs runs of one kind, not " + kind + " and " + run.kind + " ('" + runPath + "')");
        kind = run.kind;
        auto runFolder = loadFolderForRun(run, data);
        if (folder && runFolder->files() != folder->files())
            throw InputError("--run: '" + runPath + "' reads other images from '" + data + "' than the first run");
        folder = runFolder;
        ScaledDataset scaled(runFolder, run.range());
        if (run.kind == "vae-latent") {
            VaeModel m(std::move(run.first), std::move(run.second));
            m.build();
            if (!referencePath.empty()) {
                ScaledDataset reference(loadFolderForRun(run, referencePath), run.range());
                perRun.push_back(vaeNeighbourNormalisedScores(m, scaled, reference, statistic, neighbours));
            } else {
                perRun.push_back(statistic == ResidualStatistic::SummedSquared ? vaeReconstructionScores(m, scaled)
                                                                               : vaeResidualScores(m, scaled, statistic));
            }
        } else {
            if (!referencePath.empty())
                throw UsageError("--reference normalises a VAE's residuals; '" + runPath + "' is a " + run.kind + " run");
            perRun.push_back(criticScores(run.second, scaled));
        }
    }
    std::vector<double> scores = perRun.front();
    if (perRun.size() > 1) {
        scores.assign(scores.size(), 0.0);
        for (const std::vector<double>& s : perRun) {
            const std::vector<double> fraction = maxRankFraction({s});
            for (std::size_t i = 0; i < s.size(); ++i) scores[i] += fraction[i] / double(perRun.size());
        }
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
    std::cout << "scored " << scores.size() << " images with "
              << (kind == "vae-latent" ? std::string("VAE reconstruction error (") + toString(statistic) + ")"
                                       : std::string("the critic"))
              << (referencePath.empty() ? std::string()
                                        : " over its " + std::to_string(neighbours) + " nearest in '" + referencePath + "'")
              << (perRun.size() > 1 ? ", mean rank fraction of " + std::to_string(perRun.size()) + " runs" : std::string())
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
