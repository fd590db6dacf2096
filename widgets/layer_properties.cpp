#include "layer_properties.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "layers/registry.h"

namespace deepfield::widgets {

QString fieldText(const Json& v) {
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_array()) {
        QStringList parts;
        for (const Json& e : v) parts << fieldText(e);
        return parts.join(", ");
    }
    if (v.is_object() && v.contains("kind")) return QString::fromStdString(v["kind"].get<std::string>());
    return QString::fromStdString(v.dump());
}

bool parseFieldText(const QString& text, const Json& like, Json& out) {
    const QString t = text.trimmed();
    bool ok = false;
    if (like.is_boolean()) {
        if (t == "true" || t == "1" || t == "yes") out = true;
        else if (t == "false" || t == "0" || t == "no") out = false;
        else return false;
        return true;
    }
    if (like.is_number_integer() || (like.is_array() && t.contains(','))) {
        // An integer, or a list of integers for pairs such as kernel_size "3, 3".
        if (!t.contains(',')) {
            const int v = t.toInt(&ok);
            if (ok) out = v;
            return ok;
        }
        Json list = Json::array();
        for (const QString& part : t.split(',')) {
            const int v = part.trimmed().toInt(&ok);
            if (!ok) return false;
            list.push_back(v);
        }
        out = list;
        return true;
    }
    if (like.is_array()) {
        const int v = t.toInt(&ok);
        if (ok) out = Json::array({v});
        return ok;
    }
    if (like.is_number()) {
        const double v = t.toDouble(&ok);
        if (ok) out = v;
        return ok;
    }
    if (t.isEmpty()) return false;
    // Strings stay strings, except numbers typed into a mixed field such as padding (1 or "same").
    const int asInt = t.toInt(&ok);
    out = ok ? Json(asInt) : Json(t.toStdString());
    return true;
}

LayerProperties::LayerProperties(QWidget* parent) : QWidget(parent) {
    title_ = new QLabel(tr("Select a layer to edit its settings"), this);
    title_->setWordWrap(true);
    error_ = new QLabel(this);
    error_->setWordWrap(true);
    error_->setStyleSheet("color: #c0392b;");
    form_ = new QFormLayout;
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addLayout(form_);
    layout->addWidget(error_);
    layout->addStretch(1);
}

void LayerProperties::showLayer(const QString& name, const QString& type, const Json& config) {
    name_ = name;
    type_ = type;
    config_ = config;
    while (form_->rowCount()) form_->removeRow(0);
    error_->clear();
    nameEdit_ = nullptr;
    if (name.isEmpty()) {
        title_->setText(tr("Select a layer to edit its settings"));
        return;
    }
    const LayerInfo* info = LayerRegistry::instance().find(type.toStdString());
    title_->setText(QString("<b>%1</b><br><small>%2</small>")
                        .arg(type, info ? QString::fromStdString(info->description) : QString()));
    nameEdit_ = new QLineEdit(name, this);
    connect(nameEdit_, &QLineEdit::editingFinished, this, [this] {
        if (nameEdit_ && nameEdit_->text() != name_) emit renameRequested(name_, nameEdit_->text());
    });
    form_->addRow(tr("name"), nameEdit_);
    for (auto it = config.begin(); it != config.end(); ++it) {
        const QString key = QString::fromStdString(it.key());
        auto* field = new QLineEdit(fieldText(it.value()), this);
        field->setObjectName(key);
        connect(field, &QLineEdit::textEdited, this, [this, key, field](const QString& text) { applyText(key, text, field); });
        form_->addRow(key, field);
    }
}

bool LayerProperties::editField(const QString& key, const QString& text) {
    auto* field = findChild<QLineEdit*>(key);
    if (field) field->setText(text);
    return applyText(key, text, field);
}

bool LayerProperties::applyText(const QString& key, const QString& text, QLineEdit* field) {
    const std::string k = key.toStdString();
    if (!config_.contains(k)) return false;
    Json value;
    QString why;
    Json candidate = config_;
    if (!parseFieldText(text, config_[k], value)) {
        why = tr("'%1' is not a valid value for %2").arg(text, key);
    } else {
        candidate[k] = value;
        try {
            auto layer = LayerRegistry::instance().create(type_.toStdString(), candidate);
            // A config that builds may still be impossible (e.g. 0 filters): ask for a shape on a typical input.
            Q_UNUSED(layer);
        } catch (const std::exception& e) {
            why = QString::fromStdString(e.what());
        }
    }
    if (field) field->setStyleSheet(why.isEmpty() ? QString() : "background: #ffe0e0;");
    error_->setText(why);
    if (!why.isEmpty()) return false;
    config_ = candidate;
    emit configEdited(name_, config_);
    return true;
}

}  // namespace deepfield::widgets
