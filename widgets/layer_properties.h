#pragma once
// Property editor for one layer: one field per hyper-parameter (Keras names), validated as
// you type against the engine. A valid change is emitted; an invalid one is marked in red
// with the engine's reason and not applied.
#include <QWidget>

#include "core/json.h"

class QFormLayout;
class QLabel;
class QLineEdit;

namespace deepfield::widgets {

class LayerProperties : public QWidget {
    Q_OBJECT
public:
    explicit LayerProperties(QWidget* parent = nullptr);
    // Shows a layer (empty name: nothing selected).
    void showLayer(const QString& name, const QString& type, const Json& config);
    QString layerName() const { return name_; }
    const Json& config() const { return config_; }
    // Sets one field's text as a user would type it (used by tests and by the form itself).
    bool editField(const QString& key, const QString& text);

signals:
    void configEdited(const QString& name, const Json& config);
    void renameRequested(const QString& name, const QString& newName);

private:
    bool applyText(const QString& key, const QString& text, QLineEdit* field);

    QString name_, type_;
    Json config_;
    QFormLayout* form_;
    QLabel *title_, *error_;
    QLineEdit* nameEdit_ = nullptr;
};

// Parses the text a user typed for a value of the same kind as `like`
// (int, float, bool, string, or a list "3, 3"). False when it does not parse.
bool parseFieldText(const QString& text, const Json& like, Json& out);
QString fieldText(const Json& value);

}  // namespace deepfield::widgets
