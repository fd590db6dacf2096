#pragma once
// FITS header as a table: every card in order with keyword, value and comment (COMMENT and
// HISTORY cards show their text as the comment), with a filter box.
#include <QWidget>
#include <vector>

#include "data/fits.h"

class QLineEdit;
class QTableWidget;

namespace deepfield::widgets {

class HeaderTable : public QWidget {
    Q_OBJECT
public:
    explicit HeaderTable(QWidget* parent = nullptr);
    void setCards(const std::vector<FitsCard>& cards);
    void clear() { setCards({}); }
    QTableWidget* table() const { return table_; }
    int cardCount() const { return int(cards_.size()); }
    void setFilter(const QString& text);
    int visibleRows() const;

private:
    QLineEdit* filter_;
    QTableWidget* table_;
    std::vector<FitsCard> cards_;
};

}  // namespace deepfield::widgets
