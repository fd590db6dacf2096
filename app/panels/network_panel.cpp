#include "network_panel.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QSaveFile>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "graph/templates.h"
#include "network_commands.h"
#include "network_editor.h"

namespace deepfield::app {

NetworkPanel::NetworkPanel(QWidget* parent) : QWidget(parent), editor_(new widgets::NetworkEditor(this)) {
    templates_ = new QComboBox(this);
    templates_->addItem(tr("Start from a template…"));
    for (const TemplateInfo& t : templateList())
        templates_->addItem(QString::fromStdString(t.name), QString::fromStdString(t.name));
    for (int i = 1; i < templates_->count(); ++i)
        templates_->setItemData(i, QString::fromStdString(templateList()[std::size_t(i - 1)].description), Qt::ToolTipRole);
    connect(templates_, &QComboBox::activated, this, [this](int i) {
        if (i <= 0) return;
        const std::string name = templates_->itemData(i).toString().toStdString();
        templates_->setCurrentIndex(0);
        try {
            const Json j = templateNetwork(name, dataShape_, classes_);
            widgets::editWithUndo(editor_->undoStack(), editor_->model(), tr("Template %1").arg(QString::fromStdString(name)), [&] {
                editor_->model()->fromJson(j);
                return true;
            });
        } catch (const std::exception& e) {
            emit message(QString::fromStdString(e.what()));
        }
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
    if (!m->isValid()) {
        if (why) *why = tr("The network does not fit together: %1").arg(m->firstError());
        return false;
    }
    for (const widgets::NetworkNode& n : m->nodes())
        if (n.type == "Input" && n.config.value("shape", Shape{}) != dataShape) {
            if (why) *why = tr("The network's input does not match the data's sample shape.");
            return false;
        }
    return true;
}

}  // namespace deepfield::app
