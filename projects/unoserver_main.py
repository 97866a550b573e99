"""unoserver's own `main`, with documents opened hidden: run by the office Python (the one with
LibreOffice's `uno` bridge), never imported by the app. projects.office starts it.

unoserver 3 opens a document without the Hidden property; LibreOffice's no-GUI build (Debian's
libreoffice-*-nogui) then aborts on a spreadsheet (signal 6) while Writer documents pass, so every
sheet printed as PDF took the converter down. Opening hidden is what `soffice --convert-to` does.
"""

import sys


def _hidden(desktop):
    from com.sun.star.beans import PropertyValue

    class Hidden:
        def __getattr__(self, name):
            return getattr(desktop, name)

        def loadComponentFromURL(self, url, frame, flags, props):  # noqa: N802 (UNO's name)
            return desktop.loadComponentFromURL(url, frame, flags, (*props, PropertyValue(Name="Hidden", Value=True)))

    return Hidden()


def main():
    from unoserver import converter, server

    class HiddenConverter(converter.UnoConverter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.desktop = _hidden(self.desktop)

    converter.UnoConverter = HiddenConverter
    sys.exit(server.main())


if __name__ == "__main__":
    main()
