#pragma once
// Confusion matrix: rows are true classes, columns predicted classes; each cell shows its count
// and is shaded by the fraction of its row (so rare classes read as clearly as common ones).
// Clicking a cell emits (true, predicted).
#include <QStringList>
#include <QWidget>
#include <vector>

namespace deepfield::widgets {

class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);
    // counts[t][p]: samples of true class t predicted as p (K × K).
    void setMatrix(const std::vector<std::vector<int>>& counts, const QStringList& classNames);
    const std::vector<std::vector<int>>& counts() const { return counts_; }
    int total() const;
    QRect cellRect(int trueClass, int predicted) const;
    QPoint cellAt(QPoint pos) const;  // (true, predicted), (-1, -1) outside
    void setSelected(int trueClass, int predicted);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {160, 120}; }

signals:
    void cellClicked(int trueClass, int predicted);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    QRect gridRect() const;
    std::vector<std::vector<int>> counts_;
    QStringList names_;
    QPoint selected_{-1, -1};
};

}  // namespace deepfield::widgets
