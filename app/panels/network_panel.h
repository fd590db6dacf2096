#pragma once
// Network panel: the visual designer plus the model templates and diagram export. The template
// chooser lists the classifiers (#2), the image-to-image networks (unet-clumps, autoencoder) and
// each graph of the generative pairs (vae-latent encoder/decoder, dcgan and wgan generator and
// discriminator/critic), grouped by kind; all open as editable graphs.
#include <QWidget>
#include <optional>
#include <string>

#include "core/json.h"
#include "core/tensor.h"

class QComboBox;
class QUndoStack;

namespace deepfield::widgets {
class NetworkEditor;
}

namespace deepfield::app {

class NetworkPanel : public QWidget {
    Q_OBJECT
public:
    explicit NetworkPanel(QWidget* parent = nullptr);

    static Json builtInExampleNetwork();
    // A template as editable graph JSON for the given data (input shape, classes or 1 output).
    static Json templateNetwork(const std::string& name, const Shape& input, int outputs);
    // Any template of the chooser by its entry key: a classifier or image template name, or
    // "vae-latent/0" (encoder), "vae-latent/1" (decoder), "dcgan/0" (generator) ...
    // Image templates end in the activation of `imageTarget` (sigmoid for masks, else linear).
    static Json chooserTemplate(const std::string& key, const Shape& input, int outputs,
                                const std::string& imageTarget = {});
    QStringList templateKeys() const;  // the chooser's entries (keys), headers left out
    // Applies a chooser entry as one undoable step (false and a message on failure).
    bool applyTemplate(const std::string& key);
    // The generative template the current graph came from ("" if none): such graphs train in
    // the Latent space (VAE) or Generate (GAN) panels, not here.
    const std::string& generativeTemplate() const { return generative_; }

    void setUndoStack(QUndoStack* stack);
    Json network() const;
    void setNetwork(const Json& graph);
    // The network as the engine's JSON file (atomic save); loading is one undoable step.
    bool saveNetworkFile(const QString& path, QString* why = nullptr) const;
    bool loadNetworkFile(const QString& path, QString* why = nullptr);
    // The data changed: a single Input layer follows the data's sample shape.
    void setDataShape(const Shape& input, int classes);
    // The data's image target ("" for class labels) and target shape, for templates and checks.
    void setImageTarget(const std::string& target, const Shape& targetShape);
    // The graph's output shape (first declared output, else the last node nobody reads).
    std::optional<Shape> outputShape() const;
    bool isTrainable(const Shape& dataShape, QString* why) const;
    widgets::NetworkEditor* editor() const { return editor_; }

signals:
    void networkChanged();
    void message(const QString& text);

private:
    widgets::NetworkEditor* editor_;
    QComboBox* templates_;
    Shape dataShape_;
    int classes_ = 0;
    std::string imageTarget_, generative_;
    Shape targetShape_;
};

}  // namespace deepfield::app
