#pragma once
// Turns --data / --test / --features / --target into engine datasets. A file is read as a CSV
// table; a folder will be an image dataset (not available yet: reported as an InputError).
#include <memory>
#include <string>
#include <vector>

#include "args.h"
#include "data/dataset.h"
#include "data/image_folder.h"
#include "data/table.h"

namespace deepfield::cli {

// Table inputs and targets with the preprocessing that produced them.
struct LoadedData {
    std::string path;
    TableData data;  // inputs (N, F) not standardised; targets (N, 1)
    int rows = 0;    // data rows in the file
};

// Throws InputError when the path does not exist, and for folders until image datasets exist.
void requireTableFile(const std::string& path, const std::string& option);

// Training data: reads the table and infers the spec. Features default to every column
// except the target; the target defaults to a column named "class", else the last one.
LoadedData loadTrainingTable(const std::string& path, std::vector<std::string> features, std::string target,
                             const std::string& task, bool dropMissing, TableSpec& spec);
// Data for a trained spec (--test, evaluate): same features, classes; not standardised yet.
LoadedData loadTableForSpec(const std::string& path, const std::string& option, const TableSpec& spec,
                            bool dropMissing);

// Rows `idx` of inputs/targets as an in-memory dataset, standardised with `s`.
std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const std::vector<int>& idx, const Standardizer& s);
std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const Standardizer& s);
// Class labels of a classification (for stratified splits); empty for regressions.
std::vector<int> labelsOf(const TableData& d, const TableSpec& spec);

// Image folders (--data DIR holding labels.csv and the images): the options below apply to
// --data and --test alike; --augment only to the training samples.
struct ImageDataArgs {
    std::string crop;                  // "": none; "0.5": fraction of the side; "48": pixels
    int imageSize = 0;                 // --image-size N
    bool grey = false;                 // --grey
    std::vector<std::string> bands;    // --bands g,r or channel numbers 0,1
    std::string stretch = "linear";    // --stretch linear|asinh|log|sqrt
    std::vector<std::string> augment;  // --augment rot90,flip,rotate,shift,zoom,noise
    int depth = 0;                     // --depth N: levels of unet-clumps / autoencoder (image templates)
    int baseFilters = 0;               // --base-filters N: their first level's filters
    std::string outputActivation;      // --output-activation relu|sigmoid|linear|tanh ("": the target's default)
    bool adversarial = false;          // --adversarial: pix2pix (L1 + a patch discriminator) for image targets
    double advWeight = 1.0;            // --adv-weight W: weight of the adversarial term
    double l1Weight = 100.0;           // --l1-weight L: λ of the L1 term
    double posWeight = 1.0;            // --pos-weight A: weight of foreground pixels in --loss dice_bce
    bool imageOnlyOptionGiven = false;
};
ImageDataArgs readImageDataArgs(Args& args);
bool isImageFolder(const std::string& path);
// The preprocessing those options mean for the images of `folder` (band names are looked up in
// the BANDS card of the folder's first FITS image, as written by `deepfield-cli simulate`).
ImageFolderOptions imageFolderOptions(const ImageDataArgs& a, const std::string& folder, const std::string& target);

}  // namespace deepfield::cli
