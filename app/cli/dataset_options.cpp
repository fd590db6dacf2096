#include "dataset_options.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "data/fits.h"

namespace deepfield::cli {

namespace fs = std::filesystem;

namespace {
std::string c_join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
}
}  // namespace

void requireTableFile(const std::string& path, const std::string& option) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw InputError("--" + option + " '" + path + "' does not exist");
    if (fs::is_directory(path, ec))
        throw InputError("--" + option + " '" + path + "' is a folder: image folders need a labels.csv with a "
                         "filename column and a class column; otherwise pass a CSV table");
}

LoadedData loadTrainingTable(const std::string& path, std::vector<std::string> features, std::string target,
                             const std::string& task, bool dropMissing, TableSpec& spec) {
    requireTableFile(path, "data");
    const Table table = readCsv(path);
    if (table.rowCount() == 0) throw InputError("'" + path + "' has a header but no data rows");
    if (target.empty()) target = table.columnIndex("class") >= 0 ? "class" : table.columns.back();
    const int t = table.requireColumn(target);
    if (features.empty()) {  // every other column; a text cell then stops with its row and column
        for (int c = 0; c < int(table.columns.size()); ++c)
            if (c != t && !table.columns[std::size_t(c)].empty()) features.push_back(table.columns[std::size_t(c)]);
        if (features.empty())
            throw InputError("'" + path + "' has no column to use as input besides the target '" + target + "'");
    }
    spec = inferSpec(table, features, target, task);
    LoadedData out;
    out.path = path;
    out.rows = table.rowCount();
    out.data = extract(table, spec, dropMissing);
    if (out.data.inputs.batch() == 0) throw InputError("'" + path + "': no complete rows left to train on");
    return out;
}

LoadedData loadTableForSpec(const std::string& path, const std::string& option, const TableSpec& spec,
                            bool dropMissing) {
    requireTableFile(path, option);
    const Table table = readCsv(path);
    LoadedData out;
    out.path = path;
    out.rows = table.rowCount();
    out.data = extract(table, spec, dropMissing);
    if (out.data.inputs.batch() == 0) throw InputError("'" + path + "' has no complete data rows");
    return out;
}

std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const std::vector<int>& idx, const Standardizer& s) {
    const int f = d.inputs.dim(1);
    Tensor x({int(idx.size()), f}), y({int(idx.size()), 1});
    for (std::size_t i = 0; i < idx.size(); ++i) {
        std::copy_n(d.inputs.sample(idx[i]), f, x.sample(int(i)));
        y[i] = d.targets[std::size_t(idx[i])];
    }
    s.apply(x);
    return std::make_shared<TensorDataset>(std::move(x), std::move(y));
}

std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const Standardizer& s) {
    std::vector<int> all(std::size_t(d.inputs.batch()));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = int(i);
    return makeDataset(d, all, s);
}

std::vector<int> labelsOf(const TableData& d, const TableSpec& spec) {
    std::vector<int> labels;
    if (spec.task != "classification") return labels;
    for (std::size_t i = 0; i < d.targets.size(); ++i) labels.push_back(int(d.targets[i]));
    return labels;
}

ImageDataArgs readImageDataArgs(Args& args) {
    ImageDataArgs a;
    a.crop = args.get("crop", "");
    a.imageSize = args.getInt("image-size", 0, 1);
    a.grey = args.flag("grey");
    a.bands = args.getList("bands");
    a.stretch = args.get("stretch", "linear");
    a.augment = args.getList("augment");
    a.depth = args.getInt("depth", 0, 1);
    a.baseFilters = args.getInt("base-filters", 0, 1);
    a.outputActivation = args.get("output-activation", "");
    if (!a.outputActivation.empty() && a.outputActivation != "relu" && a.outputActivation != "sigmoid" &&
        a.outputActivation != "linear" && a.outputActivation != "tanh")
        throw UsageError("option --output-activation must be relu, sigmoid, linear or tanh, got '" +
                         a.outputActivation + "'");
    a.adversarial = args.flag("adversarial");
    const bool pixOptions = args.has("adv-weight") || args.has("l1-weight");
    a.advWeight = args.getDouble("adv-weight", 1.0);
    a.l1Weight = args.getDouble("l1-weight", 100.0);
    if (!(a.advWeight >= 0) || !(a.l1Weight >= 0)) throw UsageError("options --adv-weight and --l1-weight must be ≥ 0");
    if (pixOptions && !a.adversarial) throw UsageError("--adv-weight and --l1-weight need --adversarial");
    a.posWeight = args.getDouble("pos-weight", 1.0);
    if (!(a.posWeight > 0)) throw UsageError("option --pos-weight must be > 0");
    a.imageOnlyOptionGiven = !a.crop.empty() || a.imageSize > 0 || a.grey || !a.bands.empty() ||
                             args.has("stretch") || !a.augment.empty() || a.depth > 0 || a.baseFilters > 0 ||
                             !a.outputActivation.empty() || a.adversarial || args.has("pos-weight");
    return a;
}

bool isImageFolder(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec) && fs::exists(fs::path(path) / "labels.csv", ec);
}

ImageFolderOptions imageFolderOptions(const ImageDataArgs& a, const std::string& folder, const std::string& target) {
    ImageFolderOptions o;
    o.labelColumn = target;
    PreprocessSpec& p = o.preprocess;
    if (!a.crop.empty()) {
        double crop = 0;
        if (!parseNumber(a.crop, crop) || !(crop > 0))
            throw UsageError("--crop must be a fraction in (0, 1] or a size in pixels, got '" + a.crop + "'");
        p.crop = crop;
    }
    p.imageSize = a.imageSize;
    p.grey = a.grey;
    p.stretch = stretchKindFromString(a.stretch);
    p.normalise = Normalisation::PerImage;
    if (!a.bands.empty()) {
        // Band names -> channel numbers through the BANDS card of the first FITS image.
        std::vector<std::string> names;
        const Table labels = readCsv((fs::path(folder) / "labels.csv").string());
        const int fileCol = labels.requireColumn("filename");
        if (labels.rowCount() > 0) {
            const std::string first = (fs::path(folder) / labels.rows[0][std::size_t(fileCol)]).string();
            if (detectImageFormat(first) == ImageFormat::Fits)
                for (const FitsCard& c : readFitsCards(first, 0))
                    if (c.keyword == "BANDS") {
                        std::string item;
                        for (char ch : c.value + ",") {
                            if (ch == ',') {
                                if (!item.empty()) names.push_back(item);
                                item.clear();
                            } else if (ch != ' ') {
                                item += ch;
                            }
                        }
                    }
        }
        for (const std::string& b : a.bands) {
            const auto it = std::find(names.begin(), names.end(), b);
            double index = 0;
            if (it != names.end()) p.channels.push_back(int(it - names.begin()));
            else if (parseNumber(b, index) && index >= 0 && std::floor(index) == index) p.channels.push_back(int(index));
            else
                throw UsageError("--bands: '" + b + "' is neither a band of the images (" +
                                 (names.empty() ? std::string("no BANDS card") : "BANDS " + c_join(names)) +
                                 ") nor a channel number");
        }
    }
    return o;
}

}  // namespace deepfield::cli
