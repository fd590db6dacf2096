#include "network_commands.h"

#include <QUndoStack>

namespace deepfield::widgets {

NetworkEditCommand::NetworkEditCommand(NetworkModel* model, Json before, Json after, const QString& text, int mergeKey)
    : QUndoCommand(text), model_(model), before_(std::move(before)), after_(std::move(after)), mergeKey_(mergeKey) {}

void NetworkEditCommand::undo() { model_->fromJson(before_); }

void NetworkEditCommand::redo() {
    // The edit already happened when the command was pushed; later redos restore it.
    if (first_) {
        first_ = false;
        return;
    }
    model_->fromJson(after_);
}

bool NetworkEditCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = dynamic_cast<const NetworkEditCommand*>(other);
    if (!o || o->mergeKey_ != mergeKey_ || mergeKey_ < 0 || o->text() != text()) return false;
    after_ = o->after_;
    return true;
}

bool editWithUndo(QUndoStack* stack, NetworkModel* model, const QString& text, const std::function<bool()>& edit,
                  int mergeKey) {
    Json before = model->toJson();
    if (!edit()) return false;
    Json after = model->toJson();
    if (after == before) return true;
    if (stack) stack->push(new NetworkEditCommand(model, std::move(before), std::move(after), text, mergeKey));
    return true;
}

}  // namespace deepfield::widgets
