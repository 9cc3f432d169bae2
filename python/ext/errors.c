/* Library statuses to Python exceptions: the reference API's classes where
 * it has one (ValueError, OutOfDomainError, KeyError), the builtin that says
 * the same otherwise. */
#include "native.h"

PyObject *cs_py_out_of_domain;
PyObject *cs_py_error;

int cs_py_errors_init(PyObject *module)
{
    cs_py_out_of_domain = PyErr_NewExceptionWithDoc(
        "cellscape.OutOfDomainError",
        "A cell outside the search space (the reference API's OutOfDomainError).",
        PyExc_Exception, NULL);
    cs_py_error = PyErr_NewExceptionWithDoc(
        "cellscape.Error", "A file or value cellscape cannot use; the message says why.",
        PyExc_ValueError, NULL);
    if (!cs_py_out_of_domain || !cs_py_error)
        return -1;
    if (PyModule_AddObjectRef(module, "OutOfDomainError", cs_py_out_of_domain) < 0 ||
        PyModule_AddObjectRef(module, "Error", cs_py_error) < 0)
        return -1;
    return 0;
}

PyObject *cs_py_raise(const cs_error *err)
{
    PyObject *type;
    switch (err->code) {
    case CS_ERR_VALUE:
    case CS_ERR_ARG:
    case CS_ERR_LIMIT:
        type = PyExc_ValueError;
        break;
    case CS_ERR_DOMAIN:
        type = cs_py_out_of_domain;
        break;
    case CS_ERR_KEY:
        type = PyExc_KeyError;
        break;
    case CS_ERR_IO:
        type = PyExc_OSError;
        break;
    case CS_ERR_NOMEM:
        return PyErr_NoMemory();
    case CS_ERR_CANCELLED:
        /* A pending signal (Ctrl-C) raises its own exception here. */
        if (PyErr_CheckSignals() < 0)
            return NULL;
        type = PyExc_KeyboardInterrupt;
        break;
    case CS_ERR_NOTFOUND:
        type = PyExc_LookupError;
        break;
    default:
        type = cs_py_error;
        break;
    }
    PyErr_SetString(type, err->msg[0] ? err->msg : cs_status_name(err->code));
    return NULL;
}

const cs_monitor cs_py_ctrl_c = {.cancelled = cs_py_interrupted};

bool cs_py_interrupted(void *user)
{
    (void)user;
    PyGILState_STATE g = PyGILState_Ensure();
    bool raised = PyErr_CheckSignals() < 0;
    PyGILState_Release(g);
    return raised;
}

PyObject *cs_py_raise_or_pending(const cs_error *err)
{
    if (PyErr_Occurred())
        return NULL;
    return cs_py_raise(err);
}
