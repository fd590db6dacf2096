#pragma once
// Decodes latent points on the thread pool with its own copy of the model, latest request wins:
// while one decode runs, newer requests replace the waiting one, so dragging a probe never
// queues up work and the UI thread never waits for the network.
#include <QFutureWatcher>
#include <QObject>
#include <memory>
#include <optional>

#include "core/tensor.h"

namespace deepfield::app {

class LatentModel;

class LatestDecoder : public QObject {
    Q_OBJECT
public:
    explicit LatestDecoder(QObject* parent = nullptr);
    ~LatestDecoder() override;  // waits for a running decode
    void setModel(std::shared_ptr<LatentModel> model);  // takes a clone
    // z: (N, D). `tag` comes back with the images.
    void request(Tensor z, int tag = 0);
    bool isBusy() const;
    void waitForFinished();  // tests: until no decode runs or waits
    double lastMilliseconds() const { return lastMs_; }

signals:
    void decoded(const deepfield::Tensor& images, const deepfield::Tensor& z, int tag);

private:
    struct Job {
        Tensor z;
        int tag = 0;
    };
    struct Result {
        Tensor images, z;
        int tag = 0;
        double ms = 0;
        std::shared_ptr<LatentModel> model;
    };
    void startNext();

    std::shared_ptr<LatentModel> model_;
    QFutureWatcher<Result> watcher_;
    std::optional<Job> waiting_;
    double lastMs_ = 0;
    bool running_ = false;  // started and its result not yet delivered
};

}  // namespace deepfield::app
