#pragma once
// Backpropagation step by step (lesson 2) on the 2-2-2 sigmoid network of the worked example
// (inputs 0.05, 0.10; targets 0.01, 0.99; learning rate 0.5). The engine does the arithmetic:
// Forward, Backward and Update each run one stage of a real Graph and the diagram shows every
// weight, net input, activation, local derivative and gradient as numbers.
#include <QWidget>
#include <memory>

#include "graph/graph.h"
#include "train/optimizer.h"

class QPushButton;
class QLabel;

namespace deepfield::widgets {

class BackpropCanvas;

class BackpropView : public QWidget {
    Q_OBJECT
public:
    explicit BackpropView(QWidget* parent = nullptr);
    ~BackpropView() override;

    enum class Stage { Ready, Forwarded, Backwarded, Updated };
    Stage stage() const { return stage_; }
    // Each runs one stage; a stage out of order is refused (returns false) with a hint.
    bool forward();
    bool backward();
    bool update();
    void reset();  // the worked example's starting weights

    double loss() const { return loss_; }  // E_total after the last forward
    // w1..w8 in the worked example's numbering (w1 = i1→h1, w2 = i2→h1, w3 = i1→h2, w4 = i2→h2,
    // w5 = h1→o1, w6 = h2→o1, w7 = h1→o2, w8 = h2→o2); gradients after backward.
    double weight(int i) const;
    double weightGradient(int i) const;
    double bias(bool hidden) const;    // b1 (hidden) or b2 (output), shared by both neurons at the start
    double hiddenOutput(int j) const;  // out_h1, out_h2
    double output(int k) const;        // out_o1, out_o2
    // δ of an output / hidden neuron: ∂E/∂net (after backward).
    double outputDelta(int k) const;
    double hiddenDelta(int j) const;
    QString hint() const;

signals:
    void changed();

private:
    void refresh();
    Tensor& kernel(bool hidden) const;

    std::unique_ptr<Graph> graph_;
    std::unique_ptr<Optimizer> sgd_;
    Tensor x_, t_;
    Stage stage_ = Stage::Ready;
    double loss_ = NAN;
    int steps_ = 0;
    BackpropCanvas* canvas_;
    QPushButton *forwardButton_, *backwardButton_, *updateButton_, *resetButton_;
    QLabel* hint_;
    friend class BackpropCanvas;
};

}  // namespace deepfield::widgets
