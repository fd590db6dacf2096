#include "data/image_io.h"

#include "core/error.h"

namespace deepfield {

ImageFormat detectImageFormat(const std::string&) { return ImageFormat::Unknown; }
Image readPng(const std::string& path, const ImageReadOptions&) {
    throw InputError("PNG file '" + path + "': reader under construction");
}
Image readJpeg(const std::string& path, const ImageReadOptions&) {
    throw InputError("JPEG file '" + path + "': reader under construction");
}
Image readImage(const std::string& path, const ImageReadOptions&) {
    throw InputError("image file '" + path + "': reader under construction");
}
void writePng(const std::string& path, const Tensor&) { throw Error("PNG '" + path + "': under construction"); }
void writePng(const std::string& path, const unsigned char*, int, int, int) {
    throw Error("PNG '" + path + "': under construction");
}

}  // namespace deepfield
