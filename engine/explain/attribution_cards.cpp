#include "explain/attribution_cards.h"

#include <cctype>

namespace deepfield {

void addCard(std::vector<FitsCard>& cards, const std::string& keyword, const std::string& value,
             const std::string& comment) {
    FitsCard f;
    f.keyword = keyword;
    f.value = value;
    f.comment = comment;
    cards.push_back(std::move(f));
}

std::vector<FitsCard> attributionCards(const AttributionMap& m, const std::string& className) {
    std::vector<FitsCard> cards;
    addCard(cards, "DF_METHOD", m.method, "attribution method");
    addCard(cards, "DF_TARGET", m.target, "what was attributed");
    if (!className.empty()) addCard(cards, "DF_CLASS", className, "name of the target class");
    addCard(cards, "DF_FX", formatNumber(m.targetValue), "f(x): the target for the image");
    for (const auto& [k, v] : m.parameters) {
        std::string key = "DF_";  // longer than 8 characters: written as a HIERARCH card
        for (char ch : k) key += char(std::toupper(static_cast<unsigned char>(ch)));
        addCard(cards, key, v, "parameter of " + m.method);
    }
    if (m.hasCompleteness) {
        addCard(cards, "DF_FBASE", formatNumber(m.baselineValue), "f(baseline)");
        addCard(cards, "DF_SUMATT", formatNumber(m.attributionSum), "sum of the attributions");
        addCard(cards, "DF_COMPL", formatNumber(m.completenessError()),
                "|sum - (f(x) - f(baseline))| / |f(x) - f(baseline)|");
    }
    return cards;
}

}  // namespace deepfield
