// deepfield-cli evaluate: a trained run's metrics on a table, printed as JSON on stdout.
#include <iostream>

#include "commands.h"
#include "core/atomic_file.h"
#include "dataset_options.h"
#include "image_targets.h"
#include "run_dir.h"

namespace deepfield::cli {

int runEvaluate(Args& args) {
    if (args.flag("help")) {
        std::cout << "usage: deepfield-cli evaluate --run <run-dir> --data <csv|image folder> [--drop-missing]\n\n"
                     "Prints JSON: classification {task, n, accuracy, classes, confusion_matrix (rows: true\n"
                     "class)}; regression {task, n, mae, rmse, nmad, outlier_fraction} with Δz/(1+z);\n"
                     "segmentation {task, target, n, dice, iou, pixel_accuracy, dice_per_image_mean};\n"
                     "image targets {task, target, n, mse, mae, mse_input, mse_ratio; bulge-disk: bt_pearson_r,\n"
                     "bt_mae} (images and targets divided by the input's RMS per image).\n";
        return 0;
    }
    const std::string runPath = args.get("run");
    const std::string dataPath = args.get("data");
    const bool dropMissing = args.flag("drop-missing");
    args.finish();
    if (isRunDirectory(runPath) && isImageRun(Json::parse(readFile(runPath + "/model.json")))) {
        std::cout << evaluateImageRun(runPath, dataPath).dump(2) << std::endl;  // image_targets.h
        return 0;
    }
    LoadedRun run = loadRun(runPath);
    const LoadedData data = loadTableForSpec(dataPath, "data", run.spec, dropMissing);
    const auto dataset = makeDataset(data.data, run.spec.standardizer);
    std::cout << evaluationJson(run.graph, *dataset, run.spec).dump(2) << std::endl;
    return 0;
}

}  // namespace deepfield::cli
