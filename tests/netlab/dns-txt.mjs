// A DNS server that knows one name: it answers TXT questions for it with the given texts,
// and every other question with "no such name". For the test of a bootstrap list kept in
// DNS (cli/tests/cli/nat.rs), run inside the lab's seed namespace:
//
//   node dns-txt.mjs NAME TEXT [TEXT ...]      (listens on UDP port 53)
import dgram from 'node:dgram';

const [name, ...texts] = process.argv.slice(2);
if (!name || texts.length === 0) {
  console.error('usage: node dns-txt.mjs NAME TEXT [TEXT ...]');
  process.exit(2);
}
const wanted = name.toLowerCase().replace(/\.$/, '');

// The question's name, and where the question ends.
function question(msg) {
  const labels = [];
  let at = 12;
  while (at < msg.length && msg[at] !== 0) {
    const len = msg[at];
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  const type = msg.readUInt16BE(at + 1);
  return { name: labels.join('.').toLowerCase(), type, end: at + 5 };
}

function answer(query) {
  const q = question(query);
  const known = q.name === wanted && q.type === 16;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // A response, authoritative, recursion desired as asked, available; "no such name"
  // unless it is the name and a TXT question.
  const rd = query.readUInt16BE(2) & 0x0100;
  header.writeUInt16BE(0x8480 | rd | (q.name === wanted ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(known ? texts.length : 0, 6);
  const parts = [header, query.subarray(12, q.end)];
  if (known) {
    for (const text of texts) {
      const data = Buffer.from(text, 'utf8');
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // the question's name
      record.writeUInt16BE(16, 2); // TXT
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(60, 6); // TTL
      record.writeUInt16BE(data.length + 1, 10);
      parts.push(record, Buffer.from([data.length]), data);
    }
  }
  return Buffer.concat(parts);
}

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, from) => {
  try {
    socket.send(answer(msg), from.port, from.address);
  } catch (e) {
    console.error(`bad question from ${from.address}: ${e.message}`);
  }
});
socket.bind(53, () => console.log('listening'));
