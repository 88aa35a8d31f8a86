// The raw pipe ceiling: a child that only finds frame boundaries and acks each tuple by id, with no
// validation, no component and no anchoring. JSON framing only. Not a component: a yardstick.
import { writeSync } from "node:fs";
let buf = "";
let pid = false;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  let out = "";
  let at;
  while ((at = buf.indexOf("\nend\n")) !== -1) {
    const frame = buf.slice(0, at);
    buf = buf.slice(at + 5);
    if (!pid) {
      pid = true;
      out += `{"pid":${process.pid}}\nend\n`;
      continue;
    }
    const m = /"id":"([^"]*)"/.exec(frame);
    if (m) out += `{"command":"ack","id":"${m[1]}"}\nend\n`;
  }
  if (out) writeSync(1, out);
});
