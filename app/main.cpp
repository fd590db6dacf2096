// DeepField: opens the studio on its first lesson (colours of SDSS stars, galaxies and quasars).
//   deepfield [project.dfproj] [--lesson N [--demo]] [--screenshot out.png [--train]]
// --screenshot saves a picture of the window once the data are loaded (with --train: after
// a short training run), then quits: how the README's screenshots are made.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "lessons/lessons_panel.h"
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
    QCommandLineOption lesson("lesson", "Open lesson <n> (1-10) of the course.", "n", "1");
    QCommandLineOption demo("demo", "With --lesson: run the lesson's automatic demonstration.");
    cli.addOption(shot);
    cli.addOption(train);
    cli.addOption(lesson);
    cli.addOption(demo);
    cli.process(app);

    MainWindow window;
    window.setOfferRecovery(!cli.isSet(shot));
    auto* lessons = deepfield::app::installLessons(&window);
    const bool withProject = !cli.positionalArguments().isEmpty();
    if (withProject || !lessons->openLesson(cli.value(lesson).toInt())) window.loadBuiltInExample();
    if (withProject) window.openProject(cli.positionalArguments().first());
    window.show();
    const bool runDemo = cli.isSet(demo) && !withProject;

    if (cli.isSet(shot)) {
        const QString path = cli.value(shot);
        const bool withTraining = cli.isSet(train);
        auto grab = [&window, path] {
            window.grab().save(path);
            window.discardChanges();
            QApplication::quit();
        };
        if (runDemo)  // the picture shows the lesson's demonstration once it has run and the data are in
            QObject::connect(lessons, &deepfield::app::LessonsPanel::demoFinished, &window, [&window, grab] {
                window.dataPanel()->waitUntilLoaded();
                QTimer::singleShot(800, &window, grab);
            });
        else QObject::connect(window.dataPanel(), &deepfield::app::DataPanel::datasetChanged, &window, [&window, withTraining, grab] {
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
    if (runDemo) QTimer::singleShot(0, lessons, &deepfield::app::LessonsPanel::runDemo);
    return app.exec();
}
