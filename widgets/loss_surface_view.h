#pragma once
// A two-parameter loss surface (lesson 2): the mean squared error of a straight line
// y = a·x + b fitted to 64 noisy points, drawn as a banded map of log loss. Descent paths run
// with the engine's own optimizers: SGD, momentum, RMSprop, Adagrad and Adam racing from one
// start, or full-batch vs mini-batch vs stochastic SGD showing the noisy path. Click the map
// to choose the start; the paths unroll step by step.
#include <QColor>
#include <QImage>
#include <QPointF>
#include <QTimer>
#include <QWidget>
#include <vector>

class QComboBox;
class QPushButton;
class QLabel;

namespace deepfield::widgets {

class LossSurfaceView : public QWidget {
    Q_OBJECT
public:
    explicit LossSurfaceView(QWidget* parent = nullptr);

    struct Path {
        QString name;
        QColor colour;
        std::vector<QPointF> points;  // (a, b) after 0, 1, 2 ... steps
    };
    // "optimizers" (five optimizers, full batch) or "batch" (SGD with batch 64, 8 and 1).
    void setMode(const QString& mode);
    QString mode() const { return mode_; }
    void setStart(double a, double b);
    QPointF start() const { return start_; }
    void setSteps(int steps);
    const std::vector<Path>& paths() const { return paths_; }
    double loss(double a, double b) const;  // over all points
    QPointF minimum() const { return minimum_; }  // least-squares solution
    void reset();    // default start, paths recomputed, animation from step 0
    void play();     // unrolls the paths
    int shownSteps() const { return shown_; }

signals:
    void changed();

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    void compute();
    void renderMap();
    QRectF plotRect() const;
    QPointF toScreen(QPointF ab) const;

    std::vector<float> x_, y_;
    QString mode_ = "optimizers";
    QPointF start_{-1.5, 2.6}, minimum_;
    int steps_ = 120, shown_ = 0;
    std::vector<Path> paths_;
    QImage map_;
    QTimer timer_;
    double aMin_ = -2, aMax_ = 4, bMin_ = -3.5, bMax_ = 3.5;
    QComboBox* modeBox_;
    QPushButton *playButton_, *resetButton_;
};

}  // namespace deepfield::widgets
