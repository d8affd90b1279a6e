export declare const GATE_STATE: 0;
export declare const GATE_FD: 1;
export declare const GATE_BACKLOG: 2;
export declare const GATE_CLOSED: 0;
export declare const GATE_OPEN: 1;
export declare const GATE_WRITING: 2;
export declare function createWriteGate(): SharedArrayBuffer;
export declare function writeGateViews(buffer: SharedArrayBuffer): { words: Int32Array; lastWriteAt: Float64Array };
export declare function epochNow(): number;
