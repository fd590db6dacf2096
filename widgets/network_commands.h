#pragma once
// Undo for the network editor. Every edit stores the model's JSON before and after it:
// networks are small, and a snapshot can never undo the wrong thing.
#include <QUndoCommand>
#include <functional>

#include "network_model.h"

class QUndoStack;

namespace deepfield::widgets {

class NetworkEditCommand : public QUndoCommand {
public:
    NetworkEditCommand(NetworkModel* model, Json before, Json after, const QString& text, int mergeKey = -1);
    void undo() override;
    void redo() override;
    int id() const override { return mergeKey_ < 0 ? -1 : 4242; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    NetworkModel* model_;
    Json before_, after_;
    int mergeKey_;
    bool first_ = true;
};

// Runs `edit` on the model; when it returns true, records it on the stack as one undoable
// step named `text`. Consecutive edits with the same non-negative mergeKey (dragging one
// node) merge into one step. Returns what `edit` returned.
bool editWithUndo(QUndoStack* stack, NetworkModel* model, const QString& text, const std::function<bool()>& edit,
                  int mergeKey = -1);

}  // namespace deepfield::widgets
