#include "network_panel.h"

#include <QComboBox>
#include <QSet>
#include <QStandardItemModel>
#include <QFile>
#include <QFileDialog>
#include <QSaveFile>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "cli/image_target_kinds.h"
#include "graph/templates.h"
#include "network_commands.h"
#include "network_editor.h"

namespace deepfield::app {

NetworkPanel::NetworkPanel(QWidget* parent) : QWidget(parent), editor_(new widgets::NetworkEditor(this)) {
    templates_ = new QComboBox(this);
    templates_->addItem(tr("Start from a template…"));
    // Kinds as headers that cannot be chosen, entries indented under them.
    auto header = [this](const QString& text) {
        templates_->addItem(text);
        auto* model = qobject_cast<QStandardItemModel*>(templates_->model());
        if (QStandardItem* item = model ? model->item(templates_->count() - 1) : nullptr) {
            item->setFlags(item->flags() & ~(Qt::ItemIsSelectable | Qt::ItemIsEnabled));
            QFont f = item->font();
            f.setBold(true);
            item->setFont(f);
        }
    };
    auto entry = [this](const QString& text, const QString& key, const std::string& tip) {
        templates_->addItem("   " + text, key);
        templates_->setItemData(templates_->count() - 1, QString::fromStdString(tip), Qt::ToolTipRole);
    };
    header(tr("Classifiers and regressors"));
    for (const TemplateInfo& t : templateList())
        entry(QString::fromStdString(t.name), QString::fromStdString(t.name), t.description);
    header(tr("Image to image (train with an image target)"));
    for (const TemplateInfo& t : imageTemplateList())
        entry(QString::fromStdString(t.name), QString::fromStdString(t.name), t.description);
    header(tr("Generative (train in Latent space / Generate)"));
    for (const TemplateInfo& t : generativeTemplateList()) {
        const bool vae = t.name == "vae-latent";
        const QString first = vae ? tr("encoder") : tr("generator");
        const QString second = vae ? tr("decoder") : t.name == "wgan" ? tr("critic") : tr("discriminator");
        const QString name = QString::fromStdString(t.name);
        entry(name + " · " + first, name + "/0", t.description);
        entry(name + " · " + second, name + "/1", t.description);
    }
    connect(templates_, &QComboBox::activated, this, [this](int i) {
        const QString key = templates_->itemData(i).toString();
        templates_->setCurrentIndex(0);
        if (!key.isEmpty()) applyTemplate(key.toStdString());
    });
    auto* exportButton = new QPushButton(tr("Export diagram…"), this);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export diagram"), "network.png", tr("Images (*.png *.svg)"));
        if (!p.isEmpty() && !editor_->exportDiagram(p))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write '%1' (use .png or .svg).").arg(p));
    });
    auto* openButton = new QPushButton(tr("Open…"), this);
    openButton->setToolTip(tr("Load a network saved as DeepField JSON"));
    connect(openButton, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open network"), {}, tr("Networks (*.json)"));
        if (p.isEmpty()) return;
        QString why;
        if (!loadNetworkFile(p, &why)) QMessageBox::warning(this, tr("Cannot open network"), why);
    });
    auto* saveButton = new QPushButton(tr("Save…"), this);
    saveButton->setToolTip(tr("Save the network as DeepField JSON (the engine's and deepfield-cli's format)"));
    connect(saveButton, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Save network"), "network.json", tr("Networks (*.json)"));
        if (p.isEmpty()) return;
        QString why;
        if (!saveNetworkFile(p, &why)) QMessageBox::warning(this, tr("Cannot save network"), why);
    });
    auto* bar = new QHBoxLayout;
    bar->addWidget(templates_, 1);
    bar->addWidget(openButton);
    bar->addWidget(saveButton);
    bar->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(editor_, 1);
    connect(editor_->model(), &widgets::NetworkModel::changed, this, &NetworkPanel::networkChanged);
    connect(editor_, &widgets::NetworkEditor::message, this, &NetworkPanel::message);
}

Json NetworkPanel::templateNetwork(const std::string& name, const Shape& input, int outputs) {
    TemplateOptions o;
    if (!input.empty()) o.inputShape = input;
    if (outputs > 0) o.outputs = outputs;
    return makeTemplate(name, o).toJson();
}

Json NetworkPanel::chooserTemplate(const std::string& key, const Shape& input, int outputs, const std::string& imageTarget) {
    const auto slash = key.find('/');
    if (slash != std::string::npos) {
        const std::string name = key.substr(0, slash);
        GenerativeTemplateOptions o;
        // The data's images when they fit the generators' three halvings; else the default 1×64×64.
        if (input.size() == 3 && input[1] % 8 == 0 && input[2] % 8 == 0) o.imageShape = input;
        GraphPair pair = makeGenerativeTemplate(name, o);
        return (key.substr(slash + 1) == "1" ? pair.second : pair.first).toJson();
    }
    if (isImageTemplate(key)) {
        TemplateOptions o;
        if (input.size() == 3) o.inputShape = input;
        const cli::ImageTargetKind* kind = cli::findImageTarget(imageTarget);
        if (kind) {
            o.outputs = outputs;
            o.finalActivation = kind->finalActivation();
        }
        return makeTemplate(key, o).toJson();
    }
    return templateNetwork(key, input, outputs);
}

QStringList NetworkPanel::templateKeys() const {
    QStringList out;
    for (int i = 1; i < templates_->count(); ++i)
        if (!templates_->itemData(i).toString().isEmpty()) out << templates_->itemData(i).toString();
    return out;
}

bool NetworkPanel::applyTemplate(const std::string& key) {
    try {
        const bool image = isImageTemplate(key);
        const int outputs = image ? (targetShape_.size() == 3 ? targetShape_[0] : 0) : classes_;
        const Json j = chooserTemplate(key, dataShape_, outputs, imageTarget_);
        widgets::editWithUndo(editor_->undoStack(), editor_->model(), tr("Template %1").arg(QString::fromStdString(key)), [&] {
            editor_->model()->fromJson(j);
            return true;
        });
        const auto slash = key.find('/');
        generative_ = slash == std::string::npos ? std::string() : key.substr(0, slash);
        emit networkChanged();
        return true;
    } catch (const std::exception& e) {
        emit message(QString::fromStdString(e.what()));
        return false;
    }
}

void NetworkPanel::setImageTarget(const std::string& target, const Shape& targetShape) {
    imageTarget_ = target;
    targetShape_ = targetShape;
}

std::optional<Shape> NetworkPanel::outputShape() const {
    const widgets::NetworkModel* m = editor_->model();
    QString out = m->outputs().value(0);
    if (out.isEmpty()) {
        QSet<QString> read;
        for (const widgets::NetworkNode& n : m->nodes())
            for (const QString& in : n.inputs) read.insert(in);
        for (const widgets::NetworkNode& n : m->nodes())
            if (!read.contains(n.name)) out = n.name;
    }
    const widgets::NodeStatus* st = out.isEmpty() ? nullptr : m->statusOf(out);
    return st ? st->shape : std::nullopt;
}

Json NetworkPanel::builtInExampleNetwork() { return templateNetwork("cnn-morphology", {1, 64, 64}, 4); }

void NetworkPanel::setUndoStack(QUndoStack* stack) { editor_->setUndoStack(stack); }

Json NetworkPanel::network() const { return editor_->model()->toJson(); }

bool NetworkPanel::saveNetworkFile(const QString& path, QString* why) const {
    QSaveFile f(path);
    const std::string text = network().dump(2);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), qint64(text.size())) < 0 || !f.commit()) {
        if (why) *why = tr("Could not write '%1': %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

bool NetworkPanel::loadNetworkFile(const QString& path, QString* why) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (why) *why = tr("Could not open '%1': %2").arg(path, f.errorString());
        return false;
    }
    try {
        const Json j = Json::parse(f.readAll().toStdString());
        generative_.clear();
        widgets::editWithUndo(editor_->undoStack(), editor_->model(), tr("Open network"), [&] {
            editor_->model()->fromJson(j);
            return true;
        });
    } catch (const std::exception& e) {
        if (why) *why = tr("'%1' is not a DeepField network: %2").arg(path, QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

void NetworkPanel::setNetwork(const Json& graph) {
    generative_.clear();
    try {
        editor_->setNetwork(graph);
    } catch (const std::exception& e) {
        emit message(QString::fromStdString(e.what()));
    }
}

void NetworkPanel::setDataShape(const Shape& input, int classes) {
    dataShape_ = input;
    classes_ = classes;
    if (input.empty()) return;
    widgets::NetworkModel* m = editor_->model();
    QString inputName;
    int inputs = 0;
    for (const widgets::NetworkNode& n : m->nodes())
        if (n.type == "Input") {
            inputName = n.name;
            ++inputs;
        }
    if (inputs != 1) return;
    Json config = m->node(inputName)->config;
    if (config.value("shape", Shape{}) == input) return;
    config["shape"] = input;
    m->setConfig(inputName, config);
}

bool NetworkPanel::isTrainable(const Shape& dataShape, QString* why) const {
    const widgets::NetworkModel* m = editor_->model();
    bool sampling = false;
    for (const widgets::NetworkNode& n : m->nodes()) sampling = sampling || n.type == "Sampling";
    if (!generative_.empty() || sampling) {
        // VAE and GAN graphs come in pairs and train with their own loops, in other panels.
        const bool vae = generative_ == "vae-latent" || (generative_.empty() && sampling);
        if (why)
            *why = tr("%1 is a generative model: train this in the %2 panel (View menu).")
                       .arg(generative_.empty() ? tr("This network") : QString::fromStdString(generative_),
                            vae ? tr("Latent space") : tr("Generate"));
        return false;
    }
    if (!m->isValid()) {
        if (why) *why = tr("The network does not fit together: %1").arg(m->firstError());
        return false;
    }
    for (const widgets::NetworkNode& n : m->nodes())
        if (n.type == "Input" && n.config.value("shape", Shape{}) != dataShape) {
            if (why) *why = tr("The network's input does not match the data's sample shape.");
            return false;
        }
    const std::optional<Shape> out = outputShape();
    if (out && out->size() == 3 && imageTarget_.empty()) {
        if (why)
            *why = tr("This network outputs images: choose an image target (mask, bulge-disk, central or sharp) for "
                      "the simulated galaxies in the Data panel.");
        return false;
    }
    if (out && !imageTarget_.empty() && *out != targetShape_) {
        if (why)
            *why = tr("The network outputs %1 but the '%2' targets are %3: use the unet-clumps or autoencoder template.")
                       .arg(QString::fromStdString(toString(*out)), QString::fromStdString(imageTarget_),
                            QString::fromStdString(toString(targetShape_)));
        return false;
    }
    return true;
}

}  // namespace deepfield::app
