// UI probes for the studio's responsiveness targets (issue #9), printed as a table and JSON:
//   stall      longest gaps of a 5 ms UI-thread timer while the studio trains a CNN (p99, max)
//   curve      redrawing a learning curve with 100,000 batch points (target < 16 ms)
//   fits       opening and displaying a 4096×4096 float32 FITS image in the Data panel (target < 0.5 s)
//   thumbnails scrolling a 10,000-image thumbnail grid: time per scroll step (target < 16 ms)
// usage: deepfield_ui_probes [--json FILE] [--train-seconds S] [--only stall|curve|fits|thumbnails]
//        (run under xvfb or -platform offscreen; --only runs one probe and prints its JSON)
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QListView>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <qcustomplot.h>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include "core/json.h"
#include "core/rng.h"
#include "data/fits.h"
#include "image_view.h"
#include "learning_curve_plot.h"
#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/network_panel.h"
#include "panels/train_panel.h"
#include "thumbnail_grid.h"
#include "training/training_controller.h"

using namespace deepfield;
using namespace deepfield::app;

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p / 100.0 * double(v.size())))];
}

// Spins the event loop until done() or the timeout; false on timeout.
bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// Gaps between ticks of a 5 ms timer on the UI thread while the studio trains cnn-morphology.
Json stallProbe(double seconds) {
    MainWindow w;
    w.setOfferRecovery(false);
    w.show();
    w.dataPanel()->setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 600}, {"size", 64},
                                  {"bands", {"r"}}, {"seed", 3}});
    w.dataPanel()->waitUntilLoaded();
    waitFor([&] { return w.dataPanel()->hasDataset(); }, 60000);
    w.networkPanel()->setNetwork(NetworkPanel::templateNetwork("cnn-morphology", {1, 64, 64}, 4));
    TrainSettings s = w.trainPanel()->settings();
    s.options.epochs = 1000;
    s.options.batchSize = 32;
    s.options.validationSplit = 0.2;
    w.trainPanel()->setSettings(s);

    std::vector<double> gaps;
    QElapsedTimer clock;
    QTimer timer;
    timer.setInterval(5);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        if (clock.isValid()) gaps.push_back(double(clock.nsecsElapsed()) * 1e-6);
        clock.restart();
    });
    int batchSignals = 0;
    QObject::connect(w.training(), &TrainingController::batchesReady, [&] { ++batchSignals; });
    w.startTraining();
    timer.start();
    QElapsedTimer run;
    run.start();
    waitFor([&] { return run.elapsed() > seconds * 1000; }, int(seconds * 1000) + 1000);
    timer.stop();
    bool finished = false;
    QObject::connect(w.training(), &TrainingController::finished, [&] { finished = true; });
    w.stopTraining();
    waitFor([&] { return finished || !w.training()->isRunning(); }, 30000);
    // A gap is the time between ticks; the stall is what exceeds the 5 ms period.
    std::vector<double> stalls;
    for (double g : gaps) stalls.push_back(std::max(0.0, g - 5.0));
    return Json{{"seconds", seconds},
                {"ticks", gaps.size()},
                {"batch_signals", batchSignals},
                {"stall_p99_ms", percentile(stalls, 99)},
                {"stall_max_ms", percentile(stalls, 100)},
                {"target_p99_ms", 16}};
}

// Full redraw (replot + paint) of a learning curve holding 100,000 batch points.
Json curveProbe() {
    widgets::LearningCurvePlot plot;
    plot.resize(900, 500);
    plot.show();
    QVector<double> x, y;
    Rng rng(1);
    const int n = 100000, batchesPerEpoch = 1000;
    for (int i = 0; i < n; ++i) {
        x.push_back(double(i) / batchesPerEpoch);
        y.push_back(2.0 * std::exp(-double(i) / 30000.0) + 0.1 * rng.uniform());
    }
    plot.appendBatchLosses(x, y);
    for (int e = 1; e <= n / batchesPerEpoch; ++e) plot.appendEpoch(e, 1.0 / e, 1.1 / e, 0.5, 0.5);
    QCoreApplication::processEvents();
    std::vector<double> ms;
    for (int r = 0; r < 10; ++r) {
        QElapsedTimer t;
        t.start();
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
        plot.repaint();
        ms.push_back(double(t.nsecsElapsed()) * 1e-6);
    }
    return Json{{"points", plot.batchPointCount()},
                {"redraw_median_ms", percentile(ms, 50)},
                {"redraw_max_ms", percentile(ms, 100)},
                {"target_ms", 16}};
}

// Data panel: open a 4096² float32 FITS file until the image view shows a current frame.
Json fitsProbe(const QString& dir) {
    const std::string path = (dir + "/probe_4096.fits").toStdString();
    {
        Image img(1, 4096, 4096);
        Rng rng(2);
        for (std::size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = 100.0f + 10.0f * float(rng.normal());
        writeFits(path, img);
    }
    MainWindow w;
    w.setOfferRecovery(false);
    w.resize(1400, 900);
    w.show();
    QCoreApplication::processEvents();
    widgets::ImageView* view = w.dataPanel()->imageView();
    int frames = 0;
    QObject::connect(view, &widgets::ImageView::frameReady, [&] { ++frames; });
    QElapsedTimer t;
    t.start();
    w.dataPanel()->openImageFile(QString::fromStdString(path));
    const double returnMs = double(t.nsecsElapsed()) * 1e-6;  // UI thread blocked this long
    const bool shown = waitFor(
        [&] {
            view->repaint();
            return view->isFrameCurrent();
        },
        30000);
    const double shownMs = double(t.nsecsElapsed()) * 1e-6;
    return Json{{"size", "4096x4096 float32"},
                {"ui_blocked_ms", returnMs},
                {"open_and_display_ms", shown ? shownMs : -1.0},
                {"frame_ready_signals", frames},
                {"target_ms", 500}};
}

// A 10,000-image thumbnail grid scrolled from top to bottom in 100 steps: time per step until
// painted (thumbnails render on worker threads; placeholders show meanwhile).
Json thumbnailProbe() {
    widgets::ThumbnailGrid grid;
    grid.resize(1000, 800);
    QStringList labels;
    const int n = 10000;
    for (int i = 0; i < n; ++i) labels << QString("class %1").arg(i % 4);
    grid.setImages(
        n,
        [](int index) {
            QImage img(64, 64, QImage::Format_Grayscale8);
            for (int y = 0; y < 64; ++y) {
                uchar* line = img.scanLine(y);
                for (int x = 0; x < 64; ++x) line[x] = uchar((x * y + index * 7) & 0xff);
            }
            return img;
        },
        labels);
    grid.show();
    QCoreApplication::processEvents();
    QScrollBar* bar = grid.view()->verticalScrollBar();
    const int steps = 100;
    std::vector<double> ms;
    for (int s = 1; s <= steps; ++s) {
        QElapsedTimer t;
        t.start();
        bar->setValue(bar->maximum() * s / steps);
        grid.view()->viewport()->repaint();
        QCoreApplication::processEvents();
        ms.push_back(double(t.nsecsElapsed()) * 1e-6);
    }
    return Json{{"images", n},
                {"scroll_steps", steps},
                {"step_median_ms", percentile(ms, 50)},
                {"step_p99_ms", percentile(ms, 99)},
                {"step_max_ms", percentile(ms, 100)},
                {"target_ms", 16}};
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);  // no settings or recovery files of the real user
    QString jsonPath, only;
    double trainSeconds = 10;
    for (int i = 1; i + 1 < argc; ++i) {
        if (QString(argv[i]) == "--json") jsonPath = argv[++i];
        else if (QString(argv[i]) == "--train-seconds") trainSeconds = QString(argv[++i]).toDouble();
        else if (QString(argv[i]) == "--only") only = argv[++i];
    }
    QTemporaryDir dir;
    Json out;
    if (!only.isEmpty()) {
        // One probe alone (quick repeated measurements of a single target).
        if (only == "stall") out = stallProbe(trainSeconds);
        else if (only == "curve") out = curveProbe();
        else if (only == "fits") out = fitsProbe(dir.path());
        else if (only == "thumbnails") out = thumbnailProbe();
        else {
            std::fprintf(stderr, "unknown probe '%s'; choose stall, curve, fits or thumbnails\n", qPrintable(only));
            return 2;
        }
        std::printf("%s\n", out.dump(1).c_str());
        return 0;
    }
    out["curve"] = curveProbe();
    out["thumbnails"] = thumbnailProbe();
    out["fits"] = fitsProbe(dir.path());
    out["stall"] = stallProbe(trainSeconds);
    const Json& c = out["curve"];
    const Json& th = out["thumbnails"];
    const Json& f = out["fits"];
    const Json& st = out["stall"];
    std::printf("UI probe                                   measured                      target\n");
    std::printf("UI-thread stall while training (p99/max)   %6.1f / %6.1f ms            p99 < 16 ms\n",
                st["stall_p99_ms"].get<double>(), st["stall_max_ms"].get<double>());
    std::printf("learning curve, 100k points, redraw        %6.1f ms (median, max %.1f)  < 16 ms\n",
                c["redraw_median_ms"].get<double>(), c["redraw_max_ms"].get<double>());
    std::printf("4096^2 float32 FITS open + display         %6.0f ms (UI blocked %.0f ms) < 500 ms\n",
                f["open_and_display_ms"].get<double>(), f["ui_blocked_ms"].get<double>());
    std::printf("10,000-thumbnail grid scroll step (p99)    %6.1f ms (median %.1f, max %.1f) < 16 ms\n",
                th["step_p99_ms"].get<double>(), th["step_median_ms"].get<double>(),
                th["step_max_ms"].get<double>());
    if (!jsonPath.isEmpty()) {
        QFile file(jsonPath);
        if (!file.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(jsonPath));
            return 1;
        }
        file.write(QByteArray::fromStdString(out.dump(1) + "\n"));
    }
    return 0;
}
