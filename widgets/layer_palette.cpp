#include "layer_palette.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "layers/registry.h"
#include "network_scene.h"

namespace deepfield::widgets {

namespace {
// A tree whose items drag their layer type.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override {
        if (items.isEmpty() || items[0]->childCount()) return nullptr;
        auto* m = new QMimeData;
        m->setData(kLayerMimeType, items[0]->text(0).toUtf8());
        return m;
    }
    QStringList mimeTypes() const override { return {kLayerMimeType}; }
};
}  // namespace

LayerPalette::LayerPalette(QWidget* parent) : QWidget(parent) {
    search_ = new QLineEdit(this);
    search_->setPlaceholderText(tr("Add layer… (type to search, Enter)"));
    search_->setClearButtonEnabled(true);
    tree_ = new PaletteTree(this);
    tree_->setHeaderHidden(true);
    tree_->setDragEnabled(true);
    tree_->setDragDropMode(QAbstractItemView::DragOnly);
    const char* order[] = {"Core", "Convolution", "Pooling", "Normalisation", "Activation", "Merge"};
    for (const char* cat : order) {
        QTreeWidgetItem* group = nullptr;
        for (const LayerInfo& info : LayerRegistry::instance().all()) {
            if (info.category != cat) continue;
            if (!group) {
                group = new QTreeWidgetItem(tree_, {QString::fromStdString(cat)});
                group->setFlags(Qt::ItemIsEnabled);
                QFont f = group->font(0);
                f.setBold(true);
                group->setFont(0, f);
            }
            auto* item = new QTreeWidgetItem(group, {QString::fromStdString(info.type)});
            item->setToolTip(0, QString::fromStdString(info.description));
        }
    }
    tree_->expandAll();
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        if (!item->childCount() && item->parent()) emit addRequested(item->text(0));
    });
    connect(search_, &QLineEdit::textChanged, this, &LayerPalette::setFilter);
    connect(search_, &QLineEdit::returnPressed, this, [this] {
        const QString t = firstMatch();
        if (!t.isEmpty()) {
            emit addRequested(t);
            search_->clear();
        }
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(search_);
    layout->addWidget(tree_, 1);
}

void LayerPalette::focusSearch() {
    search_->setFocus();
    search_->selectAll();
}

void LayerPalette::setFilter(const QString& text) {
    if (search_->text() != text) search_->setText(text);
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        bool any = false;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const bool show = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive) ||
                              item->toolTip(0).contains(text, Qt::CaseInsensitive);
            item->setHidden(!show);
            any |= show;
        }
        group->setHidden(!any);
    }
}

QString LayerPalette::firstMatch() const {
    const QString text = search_->text();
    QString containsMatch;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            const QString t = group->child(i)->text(0);
            if (group->child(i)->isHidden()) continue;
            if (t.startsWith(text, Qt::CaseInsensitive)) return t;  // prefix matches win
            if (containsMatch.isEmpty()) containsMatch = t;
        }
    }
    return containsMatch;
}

}  // namespace deepfield::widgets
