// The SCORM runtime's error codes. The data model and the state machine speak of errors by kind; each edition
// maps a kind to its own code (1.2 has 11 codes, 2004 has 26 with finer states).

/** What went wrong, edition-neutral. */
export const ERRORS = {
  none: 'none',
  general: 'general',
  /** A call's parameter that must be "" was not. */
  argument: 'argument',
  alreadyInitialized: 'alreadyInitialized',
  /** Initialize after finish: a launch is one session. */
  terminated: 'terminated',
  finishBeforeInit: 'finishBeforeInit',
  finishAfterFinish: 'finishAfterFinish',
  getBeforeInit: 'getBeforeInit',
  getAfterFinish: 'getAfterFinish',
  setBeforeInit: 'setBeforeInit',
  setAfterFinish: 'setAfterFinish',
  commitBeforeInit: 'commitBeforeInit',
  commitAfterFinish: 'commitAfterFinish',
  /** GetValue of no element name, or of an array index that does not exist. */
  getFailure: 'getFailure',
  /** SetValue of no element name, or of an index beyond the next one. */
  setFailure: 'setFailure',
  /** The store's caps (elements, characters) are reached. */
  full: 'full',
  noChildren: 'noChildren',
  noCount: 'noCount',
  undefinedElement: 'undefinedElement',
  keyword: 'keyword',
  readOnly: 'readOnly',
  writeOnly: 'writeOnly',
  /** 2004: an element the package never set and that has no default. */
  notSet: 'notSet',
  typeMismatch: 'typeMismatch',
  outOfRange: 'outOfRange',
  /** 2004: a new array entry must start with its id. */
  dependency: 'dependency',
} as const;
export type ErrorKind = (typeof ERRORS)[keyof typeof ERRORS];

/** SCORM 1.2 (RTE 3.4.3): codes of the kinds, and the strings of the codes. */
export const CODES_12: Record<ErrorKind, number> = {
  none: 0,
  general: 101,
  argument: 201,
  // 1.2 has no code for these states: the conformance suite expects 101 for a second LMSInitialize.
  alreadyInitialized: 101,
  terminated: 101,
  finishBeforeInit: 301,
  finishAfterFinish: 301,
  getBeforeInit: 301,
  getAfterFinish: 301,
  setBeforeInit: 301,
  setAfterFinish: 301,
  commitBeforeInit: 301,
  commitAfterFinish: 301,
  getFailure: 201,
  setFailure: 201,
  full: 101,
  noChildren: 202,
  noCount: 203,
  undefinedElement: 401,
  keyword: 402,
  readOnly: 403,
  writeOnly: 404,
  // 1.2 answers "" for an element never set, without an error.
  notSet: 0,
  typeMismatch: 405,
  outOfRange: 405,
  dependency: 201,
};

export const STRINGS_12: Record<string, string> = {
  0: 'No error',
  101: 'General exception',
  201: 'Invalid argument error',
  202: 'Element cannot have children',
  203: 'Element not an array - cannot have count',
  301: 'Not initialized',
  401: 'Not implemented error',
  402: 'Invalid set value, element is a keyword',
  403: 'Element is read only',
  404: 'Element is write only',
  405: 'Incorrect data type',
};

/** SCORM 2004 (RTE 3.1.7): codes of the kinds, and the strings of the codes. */
export const CODES_2004: Record<ErrorKind, number> = {
  none: 0,
  general: 101,
  argument: 201,
  alreadyInitialized: 103,
  terminated: 104,
  finishBeforeInit: 112,
  finishAfterFinish: 113,
  getBeforeInit: 122,
  getAfterFinish: 123,
  setBeforeInit: 132,
  setAfterFinish: 133,
  commitBeforeInit: 142,
  commitAfterFinish: 143,
  getFailure: 301,
  setFailure: 351,
  full: 351,
  noChildren: 301,
  noCount: 301,
  undefinedElement: 401,
  // Keywords (_children, _count, _version) are read-only elements in 2004.
  keyword: 404,
  readOnly: 404,
  writeOnly: 405,
  notSet: 403,
  typeMismatch: 406,
  outOfRange: 407,
  dependency: 408,
};

export const STRINGS_2004: Record<string, string> = {
  0: 'No Error',
  101: 'General Exception',
  102: 'General Initialization Failure',
  103: 'Already Initialized',
  104: 'Content Instance Terminated',
  111: 'General Termination Failure',
  112: 'Termination Before Initialization',
  113: 'Termination After Termination',
  122: 'Retrieve Data Before Initialization',
  123: 'Retrieve Data After Termination',
  132: 'Store Data Before Initialization',
  133: 'Store Data After Termination',
  142: 'Commit Before Initialization',
  143: 'Commit After Termination',
  201: 'General Argument Error',
  301: 'General Get Failure',
  351: 'General Set Failure',
  391: 'General Commit Failure',
  401: 'Undefined Data Model Element',
  402: 'Unimplemented Data Model Element',
  403: 'Data Model Element Value Not Initialized',
  404: 'Data Model Element Is Read Only',
  405: 'Data Model Element Is Write Only',
  406: 'Data Model Element Type Mismatch',
  407: 'Data Model Element Value Out Of Range',
  408: 'Data Model Dependency Not Established',
};
