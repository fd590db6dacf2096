#pragma once
// The FITS header cards that describe an attribution map: method, target (and its class name),
// f(x), the method's parameters (DF_<NAME>) and, for integrated gradients, the completeness check.
// `deepfield-cli explain` and the studio's Export FITS both start their headers with them.
#include <string>
#include <vector>

#include "data/fits.h"
#include "explain/common.h"

namespace deepfield {

// className: the name of m.targetClass, or empty when it has none.
std::vector<FitsCard> attributionCards(const AttributionMap& m, const std::string& className);

// Appends one card (keyword, value, comment).
void addCard(std::vector<FitsCard>& cards, const std::string& keyword, const std::string& value,
             const std::string& comment);

}  // namespace deepfield
