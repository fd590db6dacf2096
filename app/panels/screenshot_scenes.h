#pragma once
// Scenes for `deepfield --screenshot out.png --panel <name>`: the panel's dock in front and, where
// a panel needs a model to show anything, the model made or opened first. scripts/screenshots.sh
// makes the README's pictures with them.
#include <QString>
#include <QStringList>
#include <functional>

namespace deepfield::app {

class MainWindow;

struct ScreenshotScene {
    QString panel;    // one of screenshotPanels(); empty: the window as it opens
    bool train = false;  // train the Network panel's model first (generate: the panel's DCGAN)
    QString run;      // generate / image-to-image: a deepfield-cli train output folder to open
    int pick = 3;     // image-to-image: which image of the best-first list is shown
};

QStringList screenshotPanels();

// Sets the scene up and calls ready() (from the event loop) once the window shows it. False, with
// the reason, for an unknown panel or a scene that needs --run.
bool prepareScreenshotScene(MainWindow& window, const ScreenshotScene& scene, std::function<void()> ready,
                            QString* why);

}  // namespace deepfield::app
