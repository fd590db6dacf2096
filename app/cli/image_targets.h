#pragma once
// Image targets for `deepfield-cli train` / `evaluate` on folders written by `deepfield-cli simulate`:
//   --target mask        clumps: the clump mask (1, H, W), segmentation (sigmoid, per-pixel BCE or Dice)
//   --target bulge-disk  bulge-disk: bulge and disk images stacked, (2·C, H, W), regression
//   --target central     blends: the central galaxy alone (C, H, W)
//   --target sharp       deconvolution: the sharp image (C, H, W)
// Regression pairs are divided by one per-image scale (scaleImagePair), so input and target stay in
// the same units; masks keep the input's normal preprocessing.
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "data/dataset.h"
#include "data/image_folder.h"
#include "graph/graph.h"

namespace deepfield::cli {

bool isImageTargetName(const std::string& target);
// labels.csv columns holding the target images: {"mask"}, {"bulge", "disk"}, {"central"}, {"sharp"}.
std::vector<std::string> imageTargetColumns(const std::string& target);
bool isSegmentationTarget(const std::string& target);  // mask

// Inputs from an image folder and the named image target(s), stacked along channels.
class ImagePairDataset : public Dataset {
public:
    // `inputOptions` describe the input preprocessing; regression targets switch off the stretch
    // and normalisation (InputError if a non-linear stretch was asked for).
    ImagePairDataset(const std::string& folder, const std::string& target, ImageFolderOptions inputOptions,
                     const LoadProgress& progress = {});
    int size() const override { return parts_.front()->size(); }
    Shape inputShape() const override { return parts_.front()->inputShape(); }
    Shape targetShape() const override { return targetShape_; }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override;
    const std::string& target() const { return target_; }
    const ImageFolderOptions& options() const { return parts_.front()->options(); }

private:
    std::string target_;
    bool segmentation_;
    std::vector<std::shared_ptr<ImageFolderDataset>> parts_;  // one per target column
    Shape targetShape_;
};

// The preprocessing block of an image run and the folder options it means.
Json imagePreprocessingJson(const ImageFolderOptions& o, const std::string& target, const std::string& task,
                            const Shape& inputShape);
ImageFolderOptions imageFolderOptionsFromJson(const Json& pre);

// Metrics of an image-target network on a dataset (metrics.json and `evaluate`):
//   segmentation {"task","target","n","dice","iou","pixel_accuracy","dice_per_image_mean"}
//   image        {"task","target","n","mse","mae","mse_input","mse_ratio"} (input comparison when the
//                target has the input's channels); bulge-disk adds "bt_pearson_r" and "bt_mae".
Json imageEvaluationJson(Graph& graph, const Dataset& data, const std::string& target);

// `deepfield-cli evaluate` on a run trained on an image folder (classes or image targets).
bool isImageRun(const Json& model);
Json evaluateImageRun(const std::string& runPath, const std::string& dataPath);

}  // namespace deepfield::cli
