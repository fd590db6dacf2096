#pragma once
// Engine errors: each says what went wrong, where, and what to do. The engine throws;
// it never prints or exits. The app and the CLI catch at their boundary.
#include <stdexcept>
#include <string>

namespace deepfield {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A tensor shape does not fit a layer: names the layer, the incoming shape and the reason.
class ShapeError : public Error {
public:
    using Error::Error;
};

// A file or a value the user supplied cannot be used (bad CSV cell, broken FITS header ...).
class InputError : public Error {
public:
    using Error::Error;
};

// Training stopped because the loss became NaN or infinite.
class DivergenceError : public Error {
public:
    using Error::Error;
};

}  // namespace deepfield
