// DeepField: opens the studio on its first lesson (colours of SDSS stars, galaxies and quasars).
//   deepfield [project.dfproj] [--lesson N [--demo]]
//             [--screenshot out.png [--panel NAME] [--train] [--run DIR [--pick K]]]
// --screenshot saves a picture of the window once the data are loaded (with --train: after
// a short training run), then quits: how the README's screenshots are made (scripts/screenshots.sh).
// --panel brings a dock to the front first (panels/screenshot_scenes.h says what each one shows).
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "lessons/lessons_panel.h"
#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/screenshot_scenes.h"

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
    QCommandLineOption panel("panel", "With --screenshot: bring <name> to the front (" +
                                          deepfield::app::screenshotPanels().join(", ") + ").", "name");
    QCommandLineOption run("run", "With --panel generate or image-to-image: open this deepfield-cli train output.", "dir");
    QCommandLineOption pick("pick", "With --panel image-to-image: show the k-th best image.", "k", "3");
    cli.addOption(shot);
    cli.addOption(panel);
    cli.addOption(run);
    cli.addOption(pick);
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
        else {
            deepfield::app::ScreenshotScene scene;
            scene.panel = cli.value(panel);
            scene.train = withTraining;
            scene.run = cli.value(run);
            scene.pick = cli.value(pick).toInt();
            QString why;
            if (!deepfield::app::prepareScreenshotScene(window, scene, grab, &why)) {
                std::fprintf(stderr, "deepfield: %s\n", qPrintable(why));
                return 2;
            }
        }
    }
    if (runDemo) QTimer::singleShot(0, lessons, &deepfield::app::LessonsPanel::runDemo);
    return app.exec();
}
