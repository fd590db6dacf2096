#include "lesson_demos.h"

#include <QFuture>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/simulator.h"
#include "generative/anomaly.h"
#include "generative/latent.h"
#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/generate/anomaly_view.h"
#include "panels/generate_panel.h"
#include "panels/image_to_image_panel.h"
#include "panels/inspect/activation_max_tab.h"
#include "panels/inspect/attributions_tab.h"
#include "panels/inspect/evaluation_tab.h"
#include "panels/inspect/feature_maps_tab.h"
#include "panels/inspect/kernels_tab.h"
#include "panels/inspect_panel.h"
#include "panels/latent/latent_model.h"
#include "panels/latent_panel.h"
#include "panels/network_panel.h"
#include "panels/train_panel.h"
#include "qcustomplot.h"
#include "feature_map_grid.h"
#include "kernel_grid.h"
#include "lesson_catalog.h"
#include "tasks/background_task.h"
#include "training/training_controller.h"

namespace deepfield::app {

namespace {
double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = double(a.size());
    if (a.size() < 2 || a.size() != b.size()) return NAN;
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : NAN;
}

// Mean radial profile (peak-normalised per image, one channel averaged) of images (N, C, S, S):
// what a galaxy looks like on average, from the centre outwards in whole pixels.
std::vector<double> radialProfile(const Tensor& images) {
    const int n = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
    const int rings = std::min(h, w) / 2;
    std::vector<double> sum(std::size_t(rings), 0.0), count(std::size_t(rings), 0.0);
    std::vector<float> grey(std::size_t(h) * w);
    for (int i = 0; i < n; ++i) {
        const float* x = images.sample(i);
        std::fill(grey.begin(), grey.end(), 0.0f);
        for (int b = 0; b < c; ++b)
            for (std::size_t p = 0; p < grey.size(); ++p) grey[p] += x[std::size_t(b) * grey.size() + p] / float(c);
        const auto [lo, hi] = std::minmax_element(grey.begin(), grey.end());
        const float range = std::max(*hi - *lo, 1e-6f), low = *lo;
        for (int r = 0; r < h; ++r)
            for (int q = 0; q < w; ++q) {
                const int k = int(std::hypot(r - (h - 1) / 2.0, q - (w - 1) / 2.0));
                if (k >= rings) continue;
                sum[std::size_t(k)] += (grey[std::size_t(r) * w + q] - low) / range;
                count[std::size_t(k)] += 1;
            }
    }
    for (int k = 0; k < rings; ++k) sum[std::size_t(k)] /= std::max(1.0, count[std::size_t(k)]);
    return sum;
}

double profileDistance(const std::vector<double>& a, const std::vector<double>& b) {
    double d = 0;
    for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) d += std::abs(a[k] - b[k]);
    return d / double(std::max<std::size_t>(1, std::min(a.size(), b.size())));
}

// The first `count` samples of a data set as one batch (inputs) and their targets.
std::pair<Tensor, Tensor> firstSamples(const Dataset& data, int count) {
    std::vector<int> idx(std::size_t(std::min(count, data.size())));
    std::iota(idx.begin(), idx.end(), 0);
    Tensor x, y;
    data.batch(idx, x, y);
    return {x, y};
}
}  // namespace

LessonDemo::LessonDemo(MainWindow* window, QObject* parent) : QObject(parent), window_(window) {}

bool LessonDemo::handles(int number) { return number == 4 || (number >= 6 && number <= 9); }

double LessonDemo::number(const QString& name) const {
    const auto it = numbers_.find(name);
    return it == numbers_.end() ? NAN : it->second;
}

void LessonDemo::run(int number) {
    ++generation_;
    running_ = true;
    numbers_.clear();
    summary_.clear();
    error_.clear();
    switch (number) {
        case 4: lesson4(); break;
        case 6: lesson6(); break;
        case 7: lesson7(); break;
        case 8: lesson8(); break;
        case 9: lesson9(); break;
        default: fail(tr("lesson %1 has no demonstration here").arg(number));
    }
}

void LessonDemo::record(const QString& name, double value) { numbers_[name] = value; }
void LessonDemo::say(const QString& line) {
    summary_ << line;
    emit progressed(line);
}
void LessonDemo::fail(const QString& why) {
    error_ = why;
    emit progressed(tr("The demonstration stopped: %1").arg(why));
    done();
}
void LessonDemo::done() {
    if (!running_) return;
    running_ = false;
    ++generation_;
    emit finished();
}

void LessonDemo::when(std::function<bool()> ready, std::function<void()> then, int timeoutMs, const QString& what) {
    auto* timer = new QTimer(this);
    const int gen = generation_;
    auto waited = std::make_shared<int>(0);
    connect(timer, &QTimer::timeout, this, [=, this] {
        if (gen != generation_) {
            timer->deleteLater();
            return;
        }
        *waited += 50;
        if (ready()) {
            timer->deleteLater();
            then();
        } else if (*waited > timeoutMs) {
            timer->deleteLater();
            fail(tr("%1 did not finish within %2 s").arg(what).arg(timeoutMs / 1000));
        }
    });
    timer->start(50);
}

void LessonDemo::trainStudio(std::function<void()> then) {
    DataPanel* data = window_->dataPanel();
    data->waitUntilLoaded();
    QString why;
    if (!data->hasDataset(&why)) return fail(why);
    const int gen = generation_;
    connect(window_->training(), &TrainingController::finished, this,
            [this, gen, then](std::shared_ptr<TrainingResult>) {
                if (gen != generation_) return;
                // The main window has taken the weights (modelChanged) before this queued step.
                QTimer::singleShot(0, this, [this, gen, then] {
                    if (gen != generation_) return;
                    if (!window_->trainedModel()) return fail(tr("training did not produce a model"));
                    then();
                });
            },
            Qt::SingleShotConnection);
    emit progressed(tr("Training the network (%1 epochs)…").arg(window_->trainPanel()->settings().options.epochs));
    window_->startTraining();
    if (!window_->training()->isRunning()) fail(tr("training could not start; see the Train panel"));
}

// Lesson 4: the CNN learns morphology; the Inspect panel's confusion matrix shows how well.
void LessonDemo::lesson4() {
    auto* inspect = window_->findChild<InspectPanel*>();
    if (!inspect) return fail(tr("the Inspect panel is missing"));
    inspect->evaluation()->setUseValidation(true);
    trainStudio([this, inspect] {
        auto* eval = inspect->evaluation();
        eval->evaluate();  // already running after modelChanged: it then runs again on the new model
        when([eval] { return eval->evaluation() && !eval->task()->isRunning(); },
             [this, inspect, eval] {
                 const auto& m = eval->evaluation()->confusion;
                 double diag = 0, total = 0;
                 int dominant = 0;
                 for (std::size_t t = 0; t < m.size(); ++t) {
                     const int row = std::accumulate(m[t].begin(), m[t].end(), 0);
                     diag += m[t][t];
                     total += row;
                     if (row > 0 && std::max_element(m[t].begin(), m[t].end()) - m[t].begin() == long(t)) ++dominant;
                 }
                 record("classes", double(m.size()));
                 record("evaluated", total);
                 record("accuracy", total > 0 ? diag / total : 0);
                 record("diagonal_dominant_rows", dominant);
                 say(tr("Validation accuracy %1 on %2 galaxies (chance %3); %4 of %5 classes mostly recognised "
                        "(the confusion matrix's diagonal).")
                         .arg(number("accuracy"), 0, 'f', 3)
                         .arg(int(total))
                         .arg(m.empty() ? 0.0 : 1.0 / double(m.size()), 0, 'f', 2)
                         .arg(dominant)
                         .arg(m.size()));
                 inspect->tabs()->setCurrentWidget(eval);
                 done();
             },
             60000, tr("the evaluation"));
    });
}

// Lesson 6: the trained CNN opened up: kernels, feature maps, integrated gradients (complete, on
// the galaxy), activation maximisation (the filter's activation rises).
void LessonDemo::lesson6() {
    auto* inspect = window_->findChild<InspectPanel*>();
    if (!inspect) return fail(tr("the Inspect panel is missing"));
    trainStudio([this, inspect] {
        // Kernels of the first convolution and the feature maps of one galaxy.
        const Tensor& kernels = inspect->kernels()->grid()->kernels();
        record("kernels", kernels.empty() ? 0 : kernels.dim(0));
        const QString firstConv = inspect->kernels()->layer();
        inspect->setSample(0);
        inspect->featureMaps()->setLayer(firstConv);
        const Tensor& maps = inspect->featureMaps()->grid()->maps();
        record("feature_maps", maps.empty() ? 0 : maps.dim(0));
        say(tr("%1 kernels of %2 and as many feature maps of galaxy 0.").arg(number("kernels")).arg(firstConv));

        auto* attr = inspect->attributions();
        attr->setMethod("integrated-gradients");
        attr->setBaseline("zero");
        attr->setSteps(64);
        if (!attr->run()) return fail(tr("integrated gradients could not start: %1").arg(attr->message()));
        when([attr] { return !attr->isRunning() && attr->result(); },
             [this, inspect, attr, firstConv] {
                 const AttributionMap* r = attr->result();
                 record("completeness_error", r->completenessError());
                 // Share of |attribution| in the central half (a quarter of the area), where the galaxy is.
                 const Tensor& m = r->map;
                 const int c = m.dim(0), h = m.dim(1), w = m.dim(2);
                 double inside = 0, all = 0;
                 for (int b = 0; b < c; ++b)
                     for (int y = 0; y < h; ++y)
                         for (int x = 0; x < w; ++x) {
                             const double v = std::abs(m[(std::size_t(b) * h + y) * w + x]);
                             all += v;
                             if (y >= h / 4 && y < h - h / 4 && x >= w / 4 && x < w - w / 4) inside += v;
                         }
                 record("central_share", all > 0 ? inside / all : 0);
                 say(tr("Integrated gradients: completeness error %1 %; %2 % of the attribution lies in the central "
                        "quarter of the image, on the galaxy.")
                         .arg(100 * number("completeness_error"), 0, 'f', 2)
                         .arg(100 * number("central_share"), 0, 'f', 0));
                 auto* am = inspect->activationMax();
                 am->setObjective(firstConv, 0);
                 am->setSteps(40);
                 if (!am->run()) return fail(tr("activation maximisation could not start: %1").arg(am->message()));
                 when([am] { return !am->task()->isRunning(); },
                      [this, inspect, am] {
                          // The last reported steps arrive queued just after the task ends.
                          QTimer::singleShot(100, this, [this, inspect, am] {
                              auto data = am->objectiveCurve()->graph(0)->data();
                              if (data->size() < 2) return fail(tr("activation maximisation reported no steps"));
                              record("objective_first", data->begin()->value);
                              record("objective_last", (data->end() - 1)->value);
                              say(tr("Activation maximisation: filter 0's mean activation rose from %1 to %2.")
                                      .arg(number("objective_first"), 0, 'g', 3)
                                      .arg(number("objective_last"), 0, 'g', 3));
                              inspect->tabs()->setCurrentWidget(inspect->attributions());
                              done();
                          });
                      },
                      60000, tr("activation maximisation"));
             },
             60000, tr("integrated gradients"));
    });
}

// Lesson 7: a small U-Net learns the clump masks; then a small encoder–decoder splits galaxies
// into bulge and disk. Both judged in the Image to image panel on galaxies of an unseen seed.
void LessonDemo::lesson7() {
    auto* i2i = window_->findChild<ImageToImagePanel*>();
    if (!i2i) return fail(tr("the Image to image panel is missing"));
    trainStudio([this, i2i] {
        if (!i2i->useStudioModel()) return fail(i2i->statusText());
        i2i->setUseDataPanel(false);
        i2i->setSimulation(40, 4242);
        if (!i2i->evaluate()) return fail(i2i->statusText());
        i2i->waitForEvaluation();
        const auto& dice = i2i->scores().dice;
        double mean = 0, trivial = 0;
        for (int i = 0; i < i2i->imageCount(); ++i) {
            mean += dice[std::size_t(i)];
            // The trivial answer "clumps everywhere": Dice = 2|T| / (|T| + N).
            const Tensor t = i2i->target(i);
            double on = 0;
            for (std::size_t p = 0; p < t.size(); ++p) on += t[p] > 0.5f;
            trivial += 2 * on / (on + double(t.size()));
        }
        const int n = std::max(1, i2i->imageCount());
        record("dice", mean / n);
        record("dice_trivial", trivial / n);
        say(tr("U-Net: mean Dice %1 on %2 unseen galaxies (marking every pixel: %3).")
                .arg(number("dice"), 0, 'f', 3)
                .arg(n)
                .arg(number("dice_trivial"), 0, 'f', 3));
        // Bulge and disk: same panels, another target and an encoder–decoder without skips.
        Json src = window_->dataPanel()->source();
        src["sim_kind"] = "bulge-disk";
        src["target"] = "bulge-disk";
        window_->dataPanel()->setSource(src);
        window_->dataPanel()->waitUntilLoaded();
        window_->networkPanel()->setNetwork(lessonBulgeDiskNetwork(window_->dataPanel()->inputShape()));
        TrainSettings s = window_->trainPanel()->settings();
        s.loss = "mse";
        s.options.metrics = {"mae"};
        window_->trainPanel()->setSettings(s);
        trainStudio([this, i2i] {
            if (!i2i->useStudioModel()) return fail(i2i->statusText());
            i2i->setSimulation(60, 4243);
            if (!i2i->evaluate()) return fail(i2i->statusText());
            i2i->waitForEvaluation();
            record("bt_r", pearson(i2i->scores().btTrue, i2i->scores().btPredicted));
            say(tr("Bulge/disk: predicted against true bulge-to-total ratio, Pearson r = %1 on %2 unseen galaxies.")
                    .arg(number("bt_r"), 0, 'f', 3)
                    .arg(i2i->imageCount()));
            done();
        });
    });
}

// Lesson 8: a VAE with a 2-D latent (recipe of docs/demonstrations.md) trained in the Latent space
// panel on the loaded galaxies; a logistic regression fitted on their μ tells ellipticals from disks
// in the μ of galaxies the VAE never saw (no labels in training, no test image in training either).
namespace {
constexpr int kLesson8HeldOut = 400;  // about 300 ellipticals and disks (irregulars left out)

// Ellipticals (1) against disks (0: spirals 1, edge-on 2); irregulars (3) are left out.
void addEllipticalOrDisk(const float* mu, int d, int galaxyClass, std::vector<float>& rows, std::vector<int>& labels) {
    if (galaxyClass > 2) return;
    rows.insert(rows.end(), mu, mu + d);
    labels.push_back(galaxyClass == 0 ? 1 : 0);
}

// Galaxies the VAE did not train on: the simulator's next `count` indices after the loaded ones,
// with the Data panel's settings, encoded by `model` (a clone: this runs on a worker thread). The
// Data panel's per-image brightness scaling is left out: adapt() rescales every image (median 0,
// peak 1), which undoes any per-image factor.
struct HeldOutCodes {
    std::vector<float> mu;  // (rows, D) of ellipticals and disks
    std::vector<int> labels;
    QString error;
};
HeldOutCodes encodeHeldOut(const Json& source, int count, std::shared_ptr<LatentModel> model) {
    HeldOutCodes out;
    try {
        SimOptions o;
        o.kind = simKindFromString(source.value("sim_kind", "morphology"));
        o.size = source.value("size", 64);
        o.seed = source.value("seed", 1);
        o.bands = source.value("bands", std::vector<std::string>{"r"});
        const auto galaxies = simulateGalaxies(o, source.value("count", 1000), count);
        Tensor x = Tensor::withBatch(count, galaxies.front().image.shape());
        for (int i = 0; i < count; ++i)
            std::copy_n(galaxies[std::size_t(i)].image.data(), x.sampleSize(), x.sample(i));
        const auto images = std::make_shared<TensorDataset>(std::move(x), Tensor({count, 1}));
        const LatentCodes codes = model->encode(*model->adapt(images));
        for (int i = 0; i < codes.mu.batch(); ++i)
            addEllipticalOrDisk(codes.mu.sample(i), codes.mu.dim(1), int(galaxies[std::size_t(i)].params.galaxyClass),
                                out.mu, out.labels);
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}
}  // namespace

void LessonDemo::lesson8() {
    auto* latent = window_->findChild<LatentPanel*>();
    if (!latent) return fail(tr("the Latent space panel is missing"));
    window_->dataPanel()->waitUntilLoaded();
    auto data = window_->dataPanel()->dataset();
    if (!data) return fail(tr("no data loaded"));
    const Json source = window_->dataPanel()->source();
    if (source.value("kind", std::string()) != "simulated")
        return fail(tr("lesson 8's demonstration needs the lesson's simulated galaxies in the Data panel"));
    latent->setTrainSettings(lessonVaeSettings());
    emit progressed(tr("Training the VAE…"));
    latent->trainVae(latent->trainSettings());
    when([latent, data] { return !latent->isBusy() && latent->codes().mu.batch() == data->size(); },
         [this, latent, data, source] {
             emit progressed(tr("Encoding %1 galaxies the VAE has not seen…").arg(kLesson8HeldOut));
             auto heldOut = std::make_shared<QFuture<HeldOutCodes>>(
                 QtConcurrent::run(encodeHeldOut, source, kLesson8HeldOut, latent->model()->clone()));
             when([heldOut] { return heldOut->isFinished(); },
                  [this, latent, data, heldOut] {
                      const HeldOutCodes test = heldOut->result();
                      if (!test.error.isEmpty()) return fail(tr("encoding the held-out galaxies: %1").arg(test.error));
                      // The regression is fitted on the training galaxies' μ, tested on the held-out μ.
                      const Tensor& mu = latent->codes().mu;
                      const int d = mu.dim(1);
                      const auto [x, y] = firstSamples(*data, data->size());
                      std::vector<float> train;
                      std::vector<int> trainLabels;
                      for (int i = 0; i < data->size(); ++i)
                          addEllipticalOrDisk(mu.sample(i), d, int(y[std::size_t(i)]), train, trainLabels);
                      const int nTest = int(test.labels.size());
                      if (nTest == 0 || trainLabels.empty()) return fail(tr("no ellipticals or disks to compare"));
                      const Tensor tx = Tensor::fromData({int(trainLabels.size()), d}, train);
                      const Tensor sx = Tensor::fromData({nTest, d}, test.mu);
                      const int ellipticals = int(std::count(test.labels.begin(), test.labels.end(), 1));
                      record("latent_dim", d);
                      record("accuracy", logisticRegressionAccuracy(tx, trainLabels, sx, test.labels));
                      record("majority", std::max(ellipticals, nTest - ellipticals) / double(nTest));
                      record("tested", nTest);
                      record("trained", double(trainLabels.size()));
                      latent->setColouring("class");
                      say(tr("Latent plane: a straight line through μ separates ellipticals from disks with %1 "
                             "accuracy on %2 galaxies the VAE never saw (always guessing the larger group: %3). "
                             "The VAE never saw a label.")
                              .arg(number("accuracy"), 0, 'f', 3)
                              .arg(nTest)
                              .arg(number("majority"), 0, 'f', 3));
                      done();
                  },
                  60000, tr("encoding the held-out galaxies"));
         },
         120000, tr("VAE training and encoding"));
}

// Lesson 9: a WGAN trained in the Generate panel; its samples move toward the data's average
// radial profile; its critic ranks the set's inserted oddballs above the normal galaxies.
void LessonDemo::lesson9() {
    auto* gen = window_->findChild<GeneratePanel*>();
    if (!gen) return fail(tr("the Generate panel is missing"));
    window_->dataPanel()->waitUntilLoaded();
    auto data = window_->dataPanel()->dataset();
    if (!data) return fail(tr("no data loaded"));
    gen->setSetup(lessonGanSetup(), 0, false);
    if (!gen->startTraining()) return fail(gen->statusText());
    emit progressed(tr("Training the WGAN…"));
    when([gen] { return !gen->session()->isRunning(); },
         [this, gen, data] {
             QTimer::singleShot(100, this, [this, gen, data] {
                 const auto& snaps = gen->snapshots();
                 if (snaps.size() < 2) return fail(tr("fewer than two generator snapshots"));
                 const auto [x, y] = firstSamples(*data, 200);
                 const std::vector<double> real = radialProfile(x);
                 record("snapshots", double(snaps.size()));
                 record("profile_first", profileDistance(radialProfile(snaps.front().images), real));
                 record("profile_last", profileDistance(radialProfile(snaps.back().images), real));
                 say(tr("Generated galaxies: their mean radial profile differs from the real galaxies' by %1 at the "
                        "first snapshot and %2 at the last (%3 snapshots).")
                         .arg(number("profile_first"), 0, 'f', 3)
                         .arg(number("profile_last"), 0, 'f', 3)
                         .arg(snaps.size()));
                 if (!gen->rankDataset()) return fail(tr("ranking could not start"));
                 gen->waitForRanking();
                 // Which images are oddballs: the simulator's own truth for the Data panel's source.
                 const Json s = window_->dataPanel()->source();
                 SimOptions o;
                 o.kind = simKindFromString(s.value("sim_kind", "anomaly"));
                 o.size = s.value("size", 32);
                 o.seed = s.value("seed", 1);
                 o.bands = s.value("bands", std::vector<std::string>{"r"});
                 const auto galaxies = simulateGalaxies(o, 0, data->size());
                 std::vector<int> odd;
                 for (const SimulatedGalaxy& g : galaxies) odd.push_back(g.params.anomaly != "none");
                 const std::vector<double>& scores = gen->anomalies()->scores();
                 if (scores.size() != odd.size()) return fail(tr("the ranking does not cover the data set"));
                 record("oddballs", std::accumulate(odd.begin(), odd.end(), 0));
                 record("auc", rocAuc(scores, odd));
                 gen->tabs()->setCurrentIndex(gen->tabs()->count() - 1);
                 say(tr("Anomalies: the WGAN critic ranks the %1 inserted oddballs above normal galaxies with ROC "
                        "AUC %2 (random order: 0.5).")
                         .arg(number("oddballs"))
                         .arg(number("auc"), 0, 'f', 3));
                 done();
             });
         },
         120000, tr("GAN training"));
}

}  // namespace deepfield::app
