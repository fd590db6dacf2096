#pragma once
// Convolution and pooling (lesson 3): a grey galaxy image, an editable 3×3 kernel (presets
// blur, edge, Laplacian ...) and the output live, computed by the engine's own Conv2D and
// MaxPooling2D layers. Clicking a pixel of the convolved or pooled image draws its receptive
// field on the input.
#include <QImage>
#include <QRect>
#include <QWidget>
#include <array>
#include <memory>

#include "graph/graph.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace deepfield::widgets {

class ConvolutionPane;

class ConvolutionView : public QWidget {
    Q_OBJECT
public:
    explicit ConvolutionView(QWidget* parent = nullptr);
    ~ConvolutionView() override;

    // image (H, W) or (1, H, W), any range (shown min..max).
    void setImage(const Tensor& image);
    const Tensor& input() const { return input_; }  // (1, 1, H, W)
    void setKernel(const std::array<float, 9>& k);  // row-major 3×3
    std::array<float, 9> kernel() const;
    // Presets: "blur", "sharpen", "edge-x", "edge-y", "laplacian", "identity".
    void setPreset(const QString& name);
    static QStringList presetNames();
    void setPoolSize(int size);
    int poolSize() const { return pool_; }

    const Tensor& convolved() const { return conv_; }  // (1, 1, H, W): "same" padding with zeros
    const Tensor& pooled() const { return pooled_; }   // (1, 1, H/p, W/p)
    // Selects an output pixel (of the convolved image, or of the pooled one) and returns its
    // receptive field on the input (clipped to the image).
    QRect selectConvolved(int row, int col);
    QRect selectPooled(int row, int col);
    QRect receptiveField() const { return field_; }

signals:
    void changed();

private:
    void recompute();
    void showKernelInForm();

    Tensor input_, conv_, pooled_;
    std::unique_ptr<Graph> graph_;
    int pool_ = 2;
    QRect field_;
    bool updating_ = false;
    std::array<QDoubleSpinBox*, 9> cells_{};
    QComboBox* presets_;
    QSpinBox* poolBox_;
    ConvolutionPane *inPane_, *convPane_, *poolPane_;
    QLabel* info_;
};

}  // namespace deepfield::widgets
