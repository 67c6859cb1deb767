'use strict';

// A bonjour-service peer for MdnsInteropIT: it publishes one service and browses one
// service type over multicast DNS on one IPv4 interface, and prints one JSON object a line:
//
//   {"event":"ready"}                        the socket is bound
//   {"event":"published","service":{...}}    its own service was announced
//   {"event":"up"|"down"|"updated","service":{...}}
//                                            a browsed service appeared, said goodbye or changed
//   {"event":"warning"|"error","message":"..."}
//   {"event":"bye"}                          it unpublished its service and is exiting
//
// Arguments, each --name=value: address (required: the IPv4 address of the interface to use),
// name, type, port, host, txt (key=value, repeatable), browse (a service type, such as
// inventory), lifetime (seconds after which it exits whatever happens).
// Standard input: "exit", or its end, unpublishes the service (goodbye) and exits.

const { Bonjour } = require('bonjour-service');

function parseArguments(argv) {
  const options = { txt: {} };
  for (const argument of argv) {
    const match = /^--([a-z]+)=(.*)$/.exec(argument);
    if (!match) {
      throw new Error('Expected --name=value, got ' + argument);
    }
    const [, name, value] = match;
    if (name === 'txt') {
      const equals = value.indexOf('=');
      options.txt[value.substring(0, equals)] = value.substring(equals + 1);
    }
    else {
      options[name] = value;
    }
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(options.address || '')) {
    throw new Error('--address must be an IPv4 literal, was ' + options.address);
  }
  return options;
}

function print(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function describe(service) {
  return {
    name: service.name,
    type: service.type,
    protocol: service.protocol,
    host: service.host,
    port: service.port,
    addresses: service.addresses || [],
    txt: service.txt || {},
  };
}

const options = parseArguments(process.argv.slice(2));
const lifetimeSeconds = Number(options.lifetime || 60);

// Multicast goes out of, and is received on, the given interface only; the socket is bound
// to the wildcard address because Linux does not deliver multicast to a socket bound to a
// unicast address.
const bonjour = new Bonjour({ interface: options.address, bind: '0.0.0.0' }, (error) => {
  print({ event: 'error', message: String(error) });
});
bonjour.server.mdns.on('ready', () => print({ event: 'ready' }));
bonjour.server.mdns.on('warning', (warning) => print({ event: 'warning', message: String(warning) }));
bonjour.server.mdns.on('error', (error) => print({ event: 'error', message: String(error) }));

const published = bonjour.publish({
  name: options.name,
  type: options.type,
  port: Number(options.port),
  host: options.host,
  txt: options.txt,
  disableIPv6: true,
});
published.on('up', () => print({ event: 'published', service: describe(published) }));
published.on('error', (error) => print({ event: 'error', message: String(error) }));

const browser = bonjour.find({ type: options.browse });
browser.on('up', (service) => print({ event: 'up', service: describe(service) }));
browser.on('down', (service) => print({ event: 'down', service: describe(service) }));
browser.on('txt-update', (service) => print({ event: 'updated', service: describe(service) }));
browser.on('srv-update', (service) => print({ event: 'updated', service: describe(service) }));

// The browser asks once; ask again every second so that a peer started later is found.
const requery = setInterval(() => browser.update(), 1000);

let exiting = false;

function exit() {
  if (exiting) {
    return;
  }
  exiting = true;
  clearInterval(requery);
  browser.stop();
  setTimeout(() => process.exit(0), 2000).unref();
  bonjour.unpublishAll(() => {
    print({ event: 'bye' });
    bonjour.destroy(() => process.exit(0));
  });
}

setTimeout(() => {
  print({ event: 'error', message: 'lifetime of ' + lifetimeSeconds + ' s is over' });
  exit();
}, lifetimeSeconds * 1000);

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let newline = input.indexOf('\n');
  while (newline >= 0) {
    const command = input.substring(0, newline).trim();
    input = input.substring(newline + 1);
    if (command === 'exit') {
      exit();
    }
    newline = input.indexOf('\n');
  }
});
process.stdin.on('end', exit);
