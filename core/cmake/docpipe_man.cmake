# cmake -DDOCPIPE=... -DHELP2MAN=... -DOUT=... -DWORK=... -P docpipe_man.cmake
# help2man reads `docpipe --help` and `--version`; each command's own --help
# is added as a section of its own.
file(MAKE_DIRECTORY "${WORK}")
get_filename_component(out_dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${out_dir}")
set(include "[COMMANDS]\n")
foreach(cmd convert inspect validate formats run status)
  execute_process(COMMAND "${DOCPIPE}" ${cmd} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "docpipe ${cmd} --help failed (${rc})")
  endif()
  string(REPLACE "\\" "\\\\" help "${help}")
  string(REGEX REPLACE "\n\\." "\n\\\\&." help "${help}")
  string(APPEND include ".SS \"docpipe ${cmd}\"\n.nf\n${help}.fi\n")
endforeach()
string(APPEND include "[FILES]\n.TP\n\\fBshare/docpipe/pipelines/annual-reports.xml\\fR\nThe pipeline definition for \\fBdocpipe run\\fR (under the install prefix).\n"
       ".TP\n\\fBlib/systemd/system/docpipe-annual-reports.service\\fR, \\fB.timer\\fR\nA weekly scheduled run as the unprivileged user docpipe.\n"
       ".TP\n\\fBOUT/.docpipe/ledger.sqlite\\fR\nThe ledger of a bulk run.\n")
file(WRITE "${WORK}/docpipe.h2m" "${include}")
execute_process(COMMAND "${HELP2MAN}" --no-info --section=1 
                        "--name=convert Chinese OGI annual reports into checked spreadsheets and data"
                        --include=${WORK}/docpipe.h2m --output=${OUT} "${DOCPIPE}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
