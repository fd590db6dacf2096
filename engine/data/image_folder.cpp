#include "data/image_folder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "data/fits.h"
#include "data/table.h"

namespace deepfield {

namespace fs = std::filesystem;

namespace {
bool isInteger(double v) { return std::isfinite(v) && std::floor(v) == v; }
}  // namespace

ImageFolderDataset::ImageFolderDataset(const std::string& folder, ImageFolderOptions options,
                                       const LoadProgress& progress, const std::atomic<bool>* cancel)
    : folder_(folder), options_(std::move(options)) {
    std::error_code ec;
    if (!fs::is_directory(folder_, ec)) throw InputError("image folder '" + folder_ + "' does not exist");
    if (options_.read.fits.cube == FitsCubeMode::Reject) options_.read.fits.cube = FitsCubeMode::Channels;
    const std::string csvPath = options_.labelsFile.empty() ? (fs::path(folder_) / "labels.csv").string() : options_.labelsFile;
    if (!fs::exists(csvPath, ec))
        throw InputError("image folder '" + folder_ + "' has no labels file '" + csvPath +
                         "': write one with a column 'filename' and a column 'label' (or numeric targets)");
    const Table table = readCsv(csvPath);
    const int fileCol = table.requireColumn(options_.fileColumn);

    // What the targets are.
    int labelCol = -1, imageCol = -1;
    std::vector<int> numericCols;
    if (!options_.imageTargetColumn.empty()) {
        imageCol = table.requireColumn(options_.imageTargetColumn);
        task_ = "image";
    } else if (!options_.targetColumns.empty()) {
        for (const auto& c : options_.targetColumns) {
            const int k = table.requireColumn(c);
            if (!table.isNumeric(k)) throw InputError("'" + csvPath + "': target column '" + c + "' is not numeric");
            numericCols.push_back(k);
        }
        task_ = "regression";
    } else {
        labelCol = options_.labelColumn.empty() ? -1 : table.requireColumn(options_.labelColumn);
        if (labelCol < 0) labelCol = table.columnIndex("label");
        if (labelCol < 0) labelCol = table.columnIndex("class");
        for (int c = 0; labelCol < 0 && c < int(table.columns.size()); ++c) {
            const std::string& name = table.columns[std::size_t(c)];
            if (name.size() > 6 && name.compare(name.size() - 6, 6, "_class") == 0) labelCol = c;
        }
        if (labelCol < 0)
            throw InputError("'" + csvPath + "': no class column (label, class or *_class) among " + table.columnList() +
                             "; name one with --target");
        labelColumn_ = table.columns[std::size_t(labelCol)];
        task_ = "classification";
    }

    // Class names: integer labels keep their order (and take names from '<column>_name' or
    // 'class_name' when present); text labels are sorted.
    std::map<std::string, std::string> nameOf;  // cell -> class name
    if (labelCol >= 0) {
        const bool numeric = table.isNumeric(labelCol);
        int nameCol = table.columnIndex(labelColumn_ + "_name");
        if (nameCol < 0 && labelColumn_ == "class") nameCol = table.columnIndex("class_name");
        if (numeric) {
            std::map<double, std::string> byValue;
            for (int r = 0; r < table.rowCount(); ++r) {
                const double v = table.number(r, labelCol);
                if (!isInteger(v))
                    throw InputError("'" + csvPath + "', line " + std::to_string(table.lines[std::size_t(r)]) +
                                     ": class label '" + table.rows[std::size_t(r)][std::size_t(labelCol)] +
                                     "' is not an integer");
                byValue[v] = nameCol >= 0 ? table.rows[std::size_t(r)][std::size_t(nameCol)]
                                          : table.rows[std::size_t(r)][std::size_t(labelCol)];
            }
            std::vector<std::string> names;
            for (int r = 0; r < table.rowCount(); ++r) nameOf[table.rows[std::size_t(r)][std::size_t(labelCol)]] = byValue[table.number(r, labelCol)];
            for (const auto& [v, name] : byValue) names.push_back(name);
            if (options_.classes.empty()) classes_ = names;
        } else {
            std::set<std::string> names;
            for (const auto& row : table.rows) names.insert(row[std::size_t(labelCol)]), nameOf[row[std::size_t(labelCol)]] = row[std::size_t(labelCol)];
            if (options_.classes.empty()) classes_.assign(names.begin(), names.end());
        }
        if (!options_.classes.empty()) classes_ = options_.classes;
    }

    // Rows -> samples.
    const int total = table.rowCount();
    std::vector<std::string> files, targetFiles;
    std::vector<int> labels;
    std::vector<std::vector<float>> numeric;
    std::vector<int> lines;
    for (int r = 0; r < total; ++r) {
        const auto& row = table.rows[std::size_t(r)];
        const std::string line = std::to_string(table.lines[std::size_t(r)]);
        std::string file = row[std::size_t(fileCol)];
        if (file.empty()) throw InputError("'" + csvPath + "', line " + line + ": empty file name");
        files.push_back((fs::path(folder_) / file).string());
        if (imageCol >= 0) targetFiles.push_back((fs::path(folder_) / row[std::size_t(imageCol)]).string());
        if (labelCol >= 0) {
            const std::string& name = nameOf[row[std::size_t(labelCol)]];
            const auto it = std::find(classes_.begin(), classes_.end(), name);
            if (it == classes_.end())
                throw InputError("'" + csvPath + "', line " + line + ": class '" + name +
                                 "' is not one of the training classes");
            labels.push_back(int(it - classes_.begin()));
        }
        if (!numericCols.empty()) {
            std::vector<float> v;
            for (int c : numericCols) v.push_back(float(table.number(r, c)));
            numeric.push_back(v);
        }
        lines.push_back(table.lines[std::size_t(r)]);
    }
    if (files.empty()) throw InputError("'" + csvPath + "' lists no images");

    // Reads every file once (or just the first, lazily), keeping the good ones.
    std::vector<std::size_t> keep;
    const int toRead = options_.preload ? int(files.size()) : 1;
    files_ = files;
    targetFiles_ = targetFiles;
    for (int i = 0; i < int(files.size()); ++i) {
        if (cancel && cancel->load()) throw Error("loading image folder '" + folder_ + "' cancelled");
        if (i >= toRead) {
            keep.push_back(std::size_t(i));
            continue;
        }
        try {
            Tensor x = loadInput(i);
            Tensor y = imageCol >= 0 ? loadTarget(i) : Tensor();
            if (inputShape_.empty()) {
                inputShape_ = x.shape();
                if (imageCol >= 0) targetShape_ = y.shape();
            } else if (x.shape() != inputShape_) {
                throw InputError("image '" + files[std::size_t(i)] + "' gives shape " + toString(x.shape()) +
                                 " after preprocessing, the first image " + toString(inputShape_) +
                                 "; use --image-size or --crop to make them equal");
            }
            const std::size_t bytes = (x.size() + y.size()) * sizeof(float);
            if (cachedBytes_ + bytes <= options_.cacheBytes) {
                cache_[int(keep.size())] = std::move(x);
                if (imageCol >= 0) targetCache_[int(keep.size())] = std::move(y);
                cachedBytes_ += bytes;
            }
            keep.push_back(std::size_t(i));
        } catch (const InputError& e) {
            if (!options_.skipBadFiles) throw;
            skipped_.push_back({files[std::size_t(i)], e.what()});
        }
        if (progress && (i % 16 == 15 || i + 1 == toRead)) progress(i + 1, toRead);
    }
    if (keep.empty()) throw InputError("image folder '" + folder_ + "': no readable images");
    files_.clear();
    targetFiles_.clear();
    for (std::size_t k : keep) {
        files_.push_back(files[k]);
        if (imageCol >= 0) targetFiles_.push_back(targetFiles[k]);
        if (labelCol >= 0) labels_.push_back(labels[k]);
        if (!numericCols.empty()) numeric_.push_back(numeric[k]);
    }
    if (task_ == "classification" || task_ == "regression")
        targetShape_ = {task_ == "classification" ? 1 : int(numericCols.size())};
}

Tensor ImageFolderDataset::loadInput(int index) const {
    const std::string& file = files_[std::size_t(index)];
    Image img;
    try {
        img = readImage(file, options_.read);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError("image '" + file + "': " + e.what());
    }
    if (img.empty()) throw InputError("image '" + file + "' is empty");
    // Blank (NaN) pixels would poison training: they become 0.
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        if (!std::isfinite(img.pixels[i])) img.pixels[i] = 0.0f;
    try {
        return preprocess(img.pixels, options_.preprocess);
    } catch (const Error& e) {
        throw InputError("image '" + file + "': " + e.what());
    }
}

Tensor ImageFolderDataset::loadTarget(int index) const {
    const std::string& file = targetFiles_[std::size_t(index)];
    Image img = readImage(file, options_.read);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        if (!std::isfinite(img.pixels[i])) img.pixels[i] = 0.0f;
    return preprocessGeometry(img.pixels, options_.preprocess);
}

Tensor ImageFolderDataset::input(int index) const {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto it = cache_.find(index); it != cache_.end()) return it->second;
    }
    Tensor x = loadInput(index);
    if (x.shape() != inputShape_)
        throw InputError("image '" + files_[std::size_t(index)] + "' gives shape " + toString(x.shape()) +
                         " after preprocessing, expected " + toString(inputShape_));
    std::lock_guard<std::mutex> lock(mutex_);
    if (cachedBytes_ + x.size() * sizeof(float) <= options_.cacheBytes) {
        cachedBytes_ += x.size() * sizeof(float);
        cache_[index] = x;
    }
    return x;
}

void ImageFolderDataset::batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const {
    Shape xs = inputShape_, ys = targetShape_;
    xs.insert(xs.begin(), int(indices.size()));
    ys.insert(ys.begin(), int(indices.size()));
    x.resize(xs);
    y.resize(ys);
    const std::size_t xn = product(inputShape_), yn = product(targetShape_);
    for (int i : indices)
        if (i < 0 || i >= size()) throw Error("image dataset: sample index " + std::to_string(i) + " out of range");
    std::string error;
#pragma omp parallel for schedule(dynamic) if (indices.size() > 4)
    for (int b = 0; b < int(indices.size()); ++b) {
        const int i = indices[std::size_t(b)];
        try {
            const Tensor in = input(i);
            std::copy_n(in.data(), xn, x.data() + std::size_t(b) * xn);
            if (task_ == "classification") {
                y[std::size_t(b)] = float(labels_[std::size_t(i)]);
            } else if (task_ == "regression") {
                std::copy_n(numeric_[std::size_t(i)].data(), yn, y.data() + std::size_t(b) * yn);
            } else {
                Tensor t;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    if (auto it = targetCache_.find(i); it != targetCache_.end()) t = it->second;
                }
                if (t.empty()) t = loadTarget(i);
                if (t.shape() != targetShape_)
                    throw InputError("target image '" + targetFiles_[std::size_t(i)] + "' has shape " +
                                     toString(t.shape()) + ", expected " + toString(targetShape_));
                std::copy_n(t.data(), yn, y.data() + std::size_t(b) * yn);
            }
        } catch (const std::exception& e) {
#pragma omp critical
            if (error.empty()) error = e.what();
        }
    }
    if (!error.empty()) throw InputError(error);
}

void ImageFolderDataset::fitNormalisation(const std::vector<int>& indices) {
    PreprocessSpec raw = options_.preprocess;
    raw.normalise = Normalisation::None;
    std::vector<Tensor> images;
    for (int i : indices) {
        Image img = readImage(files_[std::size_t(i)], options_.read);
        for (std::size_t k = 0; k < img.pixels.size(); ++k)
            if (!std::isfinite(img.pixels[k])) img.pixels[k] = 0.0f;
        images.push_back(preprocess(img.pixels, raw));
    }
    channelMeanStd(images, options_.preprocess.mean, options_.preprocess.std);
    std::lock_guard<std::mutex> lock(mutex_);
    cache_.clear();
    targetCache_.clear();
    cachedBytes_ = 0;
}

std::shared_ptr<TensorDataset> fitsSamplesDataset(const std::string& path, const PreprocessSpec& spec,
                                                  const std::vector<float>& labels) {
    std::vector<Tensor> samples;
    const std::vector<FitsHduInfo> hdus = listFitsHdus(path);
    std::vector<int> imageHdus;
    for (const auto& h : hdus)
        if (h.type == FitsHduType::Image && !h.axes.empty()) imageHdus.push_back(h.index);
    if (imageHdus.empty()) throw InputError("FITS file '" + path + "' has no image HDU with data");
    if (imageHdus.size() == 1) {
        FitsReadOptions o;
        o.hdu = imageHdus[0];
        o.cube = FitsCubeMode::Channels;
        const FitsImage f = readFits(path, o);
        const int n = f.image.channels(), h = f.image.height(), w = f.image.width();
        for (int k = 0; k < n; ++k) {
            Tensor t({1, h, w});
            std::copy_n(f.image.channel(k), std::size_t(h) * w, t.data());
            samples.push_back(t);
        }
    } else {
        for (int hdu : imageHdus) {
            FitsReadOptions o;
            o.hdu = hdu;
            o.cube = FitsCubeMode::Channels;
            samples.push_back(readFits(path, o).image.pixels);
        }
    }
    if (!labels.empty() && labels.size() != samples.size())
        throw InputError("FITS file '" + path + "' holds " + std::to_string(samples.size()) + " samples but " +
                         std::to_string(labels.size()) + " labels were given");
    Shape shape;
    std::vector<Tensor> pre;
    for (std::size_t k = 0; k < samples.size(); ++k) {
        for (std::size_t i = 0; i < samples[k].size(); ++i)
            if (!std::isfinite(samples[k][i])) samples[k][i] = 0.0f;
        pre.push_back(preprocess(samples[k], spec));
        if (shape.empty()) shape = pre.back().shape();
        if (pre.back().shape() != shape)
            throw InputError("FITS file '" + path + "': sample " + std::to_string(k) + " has shape " +
                             toString(pre.back().shape()) + ", the first " + toString(shape) +
                             "; use an image size to make them equal");
    }
    Tensor x = Tensor::withBatch(int(pre.size()), shape), y = Tensor::withBatch(int(pre.size()), {1});
    for (std::size_t k = 0; k < pre.size(); ++k) {
        std::copy_n(pre[k].data(), pre[k].size(), x.sample(int(k)));
        y[k] = labels.empty() ? 0.0f : labels[k];
    }
    return std::make_shared<TensorDataset>(std::move(x), std::move(y));
}

}  // namespace deepfield
