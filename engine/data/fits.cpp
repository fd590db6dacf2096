#include "data/fits.h"

#include "core/error.h"

namespace deepfield {

const char* toString(FitsHduType type) {
    switch (type) {
        case FitsHduType::Image: return "image";
        case FitsHduType::AsciiTable: return "ascii-table";
        case FitsHduType::BinaryTable: return "binary-table";
    }
    return "?";
}

std::string FitsHduInfo::pixelType() const { return "?"; }

std::vector<FitsHduInfo> listFitsHdus(const std::string& path) {
    throw InputError("FITS file '" + path + "': reader under construction");
}
FitsImage readFits(const std::string& path, const FitsReadOptions&) {
    throw InputError("FITS file '" + path + "': reader under construction");
}
std::vector<FitsCard> readFitsCards(const std::string& path, int, std::string*) {
    throw InputError("FITS file '" + path + "': reader under construction");
}
void writeFits(const std::string& path, const Tensor&, const std::vector<FitsCard>&) {
    throw Error("FITS file '" + path + "': writer under construction");
}
void writeFits(const std::string& path, const Image& image, const std::vector<FitsCard>& cards) {
    writeFits(path, image.pixels, cards);
}

}  // namespace deepfield
