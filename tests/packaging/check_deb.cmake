# cmake -DBUILD_DIR=… -DCPACK=… -DVERSION=… -DWITH_GUI=ON|OFF -P check_deb.cmake
# Builds the .deb from the already built tree, checks its layout and dependencies,
# unpacks it into a scratch root and runs the unpacked /usr/bin/acdesk --version.
cmake_minimum_required(VERSION 3.24)

set(work ${BUILD_DIR}/Testing/packaging)
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work}/root)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

# cpack on the build tree would first build its "preinstall" target, i.e. everything, while
# other tests run. So: `cmake --install` into a staging root (what `cmake --install` puts
# where is checked here too), then the same CPackConfig packs that root.
run(${CMAKE_COMMAND} -E env DESTDIR=${work}/stage
  ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix /usr --strip)
file(WRITE ${work}/CPackStaged.cmake "include(\"${BUILD_DIR}/CPackConfig.cmake\")
set(CPACK_INSTALL_CMAKE_PROJECTS \"\")
set(CPACK_INSTALLED_DIRECTORIES \"${work}/stage;.\")
set(CPACK_PACKAGE_DIRECTORY \"${work}\")
")
run(${CPACK} -G DEB --config ${work}/CPackStaged.cmake)
file(GLOB debs ${work}/acdesk_${VERSION}_*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one acdesk_${VERSION}_ARCH.deb in ${work}, found: ${debs}")
endif()
message(STATUS "package: ${debs}")

run(dpkg-deb --contents ${debs})
set(expected
  ./usr/bin/acdesk
  ./usr/lib/systemd/system/acdesk-server.service
  ./usr/share/doc/acdesk/examples/nginx-acdesk.conf
  ./usr/share/doc/acdesk/examples/acdesk.json
  ./usr/share/doc/acdesk/deploy.md
  ./usr/share/icons/hicolor/scalable/apps/acdesk.svg
  ./usr/share/applications/acdesk-agent.desktop
  ./usr/share/applications/acdesk-wallboard.desktop)
foreach(f IN LISTS expected)
  string(FIND "${out}" " ${f}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${f} is missing from the package:\n${out}")
  endif()
endforeach()
string(REGEX MATCH "-rwxr-xr-x [^\n]* \\./usr/bin/acdesk\n" exe "${out}")
if(NOT exe)
  message(FATAL_ERROR "/usr/bin/acdesk is not an executable file:\n${out}")
endif()

run(dpkg-deb --field ${debs} Depends)
set(depends "${out}")
set(needed libqt6core6 libqt6network6 libqt6websockets6 libqt6sql6-sqlite)
if(WITH_GUI)
  list(APPEND needed libqt6gui6 libqt6qml6 libqt6quick6 qml6-module-qtquick-controls
    qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qt-labs-settings
    qt6-qpa-plugins)
endif()
foreach(p IN LISTS needed)
  if(NOT depends MATCHES "(^|[ ,])${p}([ ,(]|\n|$)")
    message(FATAL_ERROR "Depends lacks ${p}: ${depends}")
  endif()
endforeach()
message(STATUS "Depends: ${depends}")

run(dpkg-deb --info ${debs})
if(NOT out MATCHES " postinst" OR NOT out MATCHES " prerm")
  message(FATAL_ERROR "postinst/prerm missing:\n${out}")
endif()

run(dpkg-deb -x ${debs} ${work}/root)
file(READ ${work}/root/usr/lib/systemd/system/acdesk-server.service unit)
if(NOT unit MATCHES "ExecStart=/usr/bin/acdesk server --headless")
  message(FATAL_ERROR "the unit does not start /usr/bin/acdesk server --headless")
endif()
# Qt is system-wide: the unpacked binary runs as it is.
run(${work}/root/usr/bin/acdesk --version)
if(NOT out STREQUAL "acdesk ${VERSION}\n")
  message(FATAL_ERROR "unpacked acdesk --version printed '${out}'")
endif()
message(STATUS "unpacked /usr/bin/acdesk --version: ${out}")
run(${work}/root/usr/bin/acdesk doctor --help)

file(REMOVE_RECURSE ${work})
