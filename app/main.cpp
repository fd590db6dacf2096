// DeepField: opens the studio on its built-in example (a CNN on simulated galaxies).
//   deepfield [project.dfproj] [--screenshot out.png [--train]]
// --screenshot saves a picture of the window once the data are loaded (with --train: after
// a short training run), then quits: how the README's screenshots are made.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/train_panel.h"
#include "training/training_controller.h"

using deepfield::app::MainWindow;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("DeepField");
    QApplication::setOrganizationName("DeepField");
    QApplication::setApplicationVersion("0.1.0");

    QCommandLineParser cli;
    cli.setApplicationDescription("DeepField: a laboratory for deep learning on galaxy images");
    cli.addHelpOption();
    cli.addVersionOption();
    cli.addPositionalArgument("project", "A DeepField project (.dfproj) to open");
    QCommandLineOption shot("screenshot", "Save a screenshot of the window to <file> and quit.", "file");
    QCommandLineOption train("train", "With --screenshot: train first, then take the picture.");
    cli.addOption(shot);
    cli.addOption(train);
    cli.process(app);

    MainWindow window;
    window.setOfferRecovery(!cli.isSet(shot));
    window.loadBuiltInExample();
    if (!cli.positionalArguments().isEmpty()) window.openProject(cli.positionalArguments().first());
    window.show();

    if (cli.isSet(shot)) {
        const QString path = cli.value(shot);
        const bool withTraining = cli.isSet(train);
        auto grab = [&window, path] {
            window.grab().save(path);
            window.discardChanges();
            QApplication::quit();
        };
        QObject::connect(window.dataPanel(), &deepfield::app::DataPanel::datasetChanged, &window, [&window, withTraining, grab] {
            if (!window.dataPanel()->hasDataset()) return;
            if (!withTraining) {
                QTimer::singleShot(300, &window, grab);
                return;
            }
            QObject::connect(window.training(), &deepfield::app::TrainingController::finished, &window,
                             [grab](auto) { QTimer::singleShot(300, grab); });
            window.startTraining();
        });
    }
    return app.exec();
}
