#pragma once
// Image datasets: a folder of images (FITS, PNG, JPEG) described by a labels CSV, and a FITS
// cube or multi-extension file whose planes / HDUs are the samples. Targets are classes (text
// or integer labels), numeric columns (regression) or images named in a column (masks and
// component images written by the simulator). Large folders load lazily through a cache.
#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image_io.h"
#include "data/preprocess.h"

namespace deepfield {

struct ImageFolderOptions {
    std::string labelsFile;                  // default: <folder>/labels.csv
    std::string fileColumn = "filename";     // image paths, relative to the folder
    // Class column. Empty: "label", else "class", else the first column ending in "_class";
    // with targetColumns or imageTargetColumn set, no class is used.
    std::string labelColumn;
    std::vector<std::string> targetColumns;  // numeric targets (regression): targets (k)
    std::string imageTargetColumn;           // images as targets (C', H, W), e.g. "mask"
    std::vector<std::string> classes;        // fixed class names (test data: the training classes)
    PreprocessSpec preprocess;               // inputs; image targets get its geometry only
    ImageReadOptions read;                   // FITS cubes default to channels
    bool skipBadFiles = false;               // false: a bad file is an InputError naming it
    bool preload = true;                     // read every file in the constructor (progress, cancel)
    std::size_t cacheBytes = std::size_t(1) << 30;  // preprocessed samples kept in memory
};

struct SkippedFile {
    std::string file;
    std::string reason;
};

// Called with (done, total) while files are read.
using LoadProgress = std::function<void(int, int)>;

class ImageFolderDataset : public Dataset {
public:
    // Reads the labels CSV and (with preload) every image once. Throws InputError naming the
    // file or column; Error("... cancelled") when `cancel` becomes true.
    ImageFolderDataset(const std::string& folder, ImageFolderOptions options, const LoadProgress& progress = {},
                       const std::atomic<bool>* cancel = nullptr);

    int size() const override { return int(files_.size()); }
    Shape inputShape() const override { return inputShape_; }
    Shape targetShape() const override { return targetShape_; }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override;

    // "classification", "regression" or "image".
    const std::string& task() const { return task_; }
    const std::vector<std::string>& classes() const { return classes_; }
    const std::vector<int>& labels() const { return labels_; }  // class index per sample
    const std::vector<std::string>& files() const { return files_; }
    const std::vector<SkippedFile>& skipped() const { return skipped_; }
    const std::string& labelColumn() const { return labelColumn_; }
    const ImageFolderOptions& options() const { return options_; }
    // PerDataset normalisation: per-channel mean and std of the given samples (training ones).
    void fitNormalisation(const std::vector<int>& indices);
    // One preprocessed sample (input (C, H, W)); InputError naming the file when it cannot be read.
    Tensor input(int index) const;

private:
    Tensor loadInput(int index) const;
    Tensor loadTarget(int index) const;

    std::string folder_;
    ImageFolderOptions options_;
    std::vector<std::string> files_, targetFiles_;
    std::vector<int> labels_;
    std::vector<std::vector<float>> numeric_;
    std::vector<std::string> classes_;
    std::vector<SkippedFile> skipped_;
    std::string task_, labelColumn_;
    Shape inputShape_, targetShape_;
    mutable std::mutex mutex_;
    mutable std::map<int, Tensor> cache_, targetCache_;
    mutable std::size_t cachedBytes_ = 0;
};

// Samples from one FITS file: the planes of a 3-D cube or the image HDUs of a multi-extension
// file, each (1, H, W), preprocessed; targets (N, 1) from `labels` (class indices) or zeros.
std::shared_ptr<TensorDataset> fitsSamplesDataset(const std::string& path, const PreprocessSpec& preprocess,
                                                  const std::vector<float>& labels = {});

}  // namespace deepfield
