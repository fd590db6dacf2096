#include "header_table.h"

#include <QHeaderView>
#include <algorithm>
#include <QLineEdit>
#include <QTableWidget>
#include <QVBoxLayout>

namespace deepfield::widgets {

HeaderTable::HeaderTable(QWidget* parent) : QWidget(parent) {
    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter cards (keyword, value or comment)"));
    filter_->setClearButtonEnabled(true);
    table_ = new QTableWidget(0, 3, this);
    table_->setHorizontalHeaderLabels({tr("Keyword"), tr("Value"), tr("Comment")});
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(filter_);
    layout->addWidget(table_, 1);
    connect(filter_, &QLineEdit::textChanged, this, &HeaderTable::setFilter);
}

void HeaderTable::setCards(const std::vector<FitsCard>& cards) {
    cards_ = cards;
    table_->setRowCount(int(cards.size()));
    QFont mono("monospace");
    mono.setStyleHint(QFont::TypeWriter);
    for (int r = 0; r < int(cards.size()); ++r) {
        const FitsCard& c = cards[std::size_t(r)];
        const QString value = !c.hasValue ? QString() : c.isString ? "'" + QString::fromStdString(c.value) + "'"
                                                                   : QString::fromStdString(c.value);
        const QString texts[3] = {QString::fromStdString(c.keyword), value, QString::fromStdString(c.comment)};
        for (int k = 0; k < 3; ++k) {
            auto* item = new QTableWidgetItem(texts[k]);
            item->setFont(mono);
            if (k > 0) item->setToolTip(texts[k]);
            table_->setItem(r, k, item);
        }
    }
    table_->resizeColumnToContents(0);
    table_->resizeColumnToContents(1);
    table_->setColumnWidth(1, std::clamp(table_->columnWidth(1), 120, 260));
    setFilter(filter_->text());
}

void HeaderTable::setFilter(const QString& text) {
    if (filter_->text() != text) filter_->setText(text);  // re-enters once through textChanged
    for (int r = 0; r < table_->rowCount(); ++r) {
        bool match = text.isEmpty();
        for (int k = 0; k < 3 && !match; ++k)
            match = table_->item(r, k) && table_->item(r, k)->text().contains(text, Qt::CaseInsensitive);
        table_->setRowHidden(r, !match);
    }
}

int HeaderTable::visibleRows() const {
    int n = 0;
    for (int r = 0; r < table_->rowCount(); ++r) n += table_->isRowHidden(r) ? 0 : 1;
    return n;
}

}  // namespace deepfield::widgets
