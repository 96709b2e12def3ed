# Installation layout and the Debian package (CPack). `cmake --install` puts everything
# where a Debian user expects it; `cpack -G DEB` in the build tree makes acdesk_VERSION_ARCH.deb.
include(GNUInstallDirs)

set(_res ${PROJECT_SOURCE_DIR}/resources)
# bin/acdesk is installed by app/CMakeLists.txt.
install(FILES ${_res}/desktop/acdesk-agent.desktop ${_res}/desktop/acdesk-wallboard.desktop
  DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${_res}/icons/acdesk.svg
  DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
# lib/systemd/system even under /usr: Debian 12's systemd reads /usr/lib/systemd/system.
install(FILES ${_res}/deploy/acdesk-server.service DESTINATION lib/systemd/system)
install(FILES ${_res}/deploy/nginx-acdesk.conf ${_res}/deploy/acdesk.json
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/deploy.md
  ${PROJECT_SOURCE_DIR}/docs/protocol.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME acdesk)
set(CPACK_PACKAGE_VENDOR "Acdesk")
set(CPACK_PACKAGE_CONTACT "Acdesk maintainers <acdesk@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "contact-center suite: ACD server, agent desktop and wallboard")
set(CPACK_PACKAGE_DESCRIPTION
  "One program for a small contact center: the ACD server behind a WebSocket API\n\
(acdesk server --headless, with a systemd unit), the agent desktop (acdesk agent), the\n\
wallboard for a TV (acdesk wallboard --kiosk) and a connection doctor (acdesk doctor URL).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION comm)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Libraries the binary links come from dpkg-shlibdeps (libqt6core6 (>= 6.4.2), …); what
# is loaded at run time (QML modules, the SQLite and platform plugins) is listed by hand.
find_program(ACDESK_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(ACDESK_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(_linked "")
else()
  set(_linked "libqt6core6 (>= 6.4), libqt6network6 (>= 6.4), libqt6websockets6 (>= 6.4), \
libqt6sql6 (>= 6.4), ")
  if(ACDESK_BUILD_GUI)
    string(APPEND _linked "libqt6gui6 (>= 6.4), libqt6qml6 (>= 6.4), libqt6quick6 (>= 6.4), \
libqt6quickcontrols2-6 (>= 6.4), libqt6dbus6 (>= 6.4), libqt6multimedia6 (>= 6.4), ")
  endif()
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_linked}libqt6sql6-sqlite (>= 6.4), adduser")
if(ACDESK_BUILD_GUI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", qt6-qpa-plugins, qml6-module-qtquick, \
qml6-module-qtquick-controls, qml6-module-qtquick-templates, qml6-module-qtquick-layouts, \
qml6-module-qtquick-window, qml6-module-qtqml-workerscript, qml6-module-qt-labs-settings")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx, certbot")
# postinst creates the system user of the unit; prerm stops the server on removal.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${_res}/deploy/debian/postinst ${_res}/deploy/debian/prerm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
