#include "image_input.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "data/image_folder.h"
#include "data/image_io.h"
#include "data/preprocess.h"

namespace deepfield::app::inspect {

Tensor networkInputFromFile(const QString& path, const Dataset* dataset, const Shape& want) {
    const std::string file = path.toStdString();
    if (want.size() != 3) throw InputError("the network takes " + toString(want) + ", not an image; '" + file + "' cannot be its input");
    ImageReadOptions read;
    read.fits.cube = FitsCubeMode::Channels;
    Image img = readImage(file, read);
    if (img.empty()) throw InputError("image '" + file + "' is empty");
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        if (!std::isfinite(img.pixels[i])) img.pixels[i] = 0.0f;
    Tensor x;
    if (auto* folder = dynamic_cast<const ImageFolderDataset*>(dataset)) {
        x = preprocess(img.pixels, folder->options().preprocess);
    } else {
        x = img.pixels;
        if (want[0] == 1 && x.dim(0) != 1) x = toGrey(x);
        if (x.dim(1) != want[1] || x.dim(2) != want[2]) x = resizeImage(x, want[1], want[2]);
        // As the simulated set: each image divided by its 99th percentile.
        std::vector<float> sorted(x.data(), x.data() + x.size());
        const std::size_t k = sorted.size() * 99 / 100;
        std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
        const float scale = 1.0f / std::max(sorted[k], 1e-6f);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] *= scale;
    }
    if (x.shape() != want)
        throw InputError("image '" + file + "' gives " + toString(x.shape()) + " after preprocessing; the network takes " +
                         toString(want) + " (a different number of channels?)");
    return x;
}

}  // namespace deepfield::app::inspect
