// The Phanes dashboard: reads the dashboard API of the server that serves this page
// (relative URLs only) and renders with textContent, never innerHTML: everything shown
// comes from discovery and the instances, so none of it is trusted as markup.
'use strict';

const api = (path) => 'api/' + path;
const state = { settings: null, services: [], selected: null, logs: null };

function el(tag, attributes, ...children) {
	const node = document.createElement(tag);
	Object.entries(attributes || {}).forEach(([name, value]) => {
		if (name === 'class') node.className = value;
		else if (name.startsWith('data-')) node.setAttribute(name, value);
		else node[name] = value;
	});
	children.forEach((child) => node.append(child instanceof Node ? child : String(child ?? '')));
	return node;
}

// Spring Security's cookie CSRF repository: the token goes back as a header on writes.
function csrfHeaders() {
	const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
	return cookie ? { 'X-XSRF-TOKEN': decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) } : {};
}

async function getJson(path, options) {
	const response = await fetch(api(path), options);
	const body = await response.json().catch(() => ({}));
	if (!response.ok) {
		throw new Error(body.detail || ('HTTP ' + response.status));
	}
	return body;
}

function uptime(seconds) {
	if (seconds == null) return '-';
	const s = Math.floor(seconds);
	if (s < 120) return s + ' s';
	if (s < 7200) return Math.floor(s / 60) + ' min';
	return Math.floor(s / 3600) + ' h';
}

async function refreshServices() {
	try {
		state.services = await getJson('services');
		document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString();
	} catch (error) {
		document.getElementById('status').textContent = 'cannot read services: ' + error.message;
		return;
	}
	const list = document.getElementById('services');
	list.replaceChildren(...state.services.map((service) => {
		const item = el('li', { 'data-service': service.service, class: service.service === state.selected ? 'selected' : '' },
			service.service, el('span', { class: 'count' }, service.instances.length));
		item.addEventListener('click', () => select(service.service));
		return item;
	}));
	if (state.selected) renderInstances();
}

function selectedService() {
	return state.services.find((service) => service.service === state.selected) || { service: state.selected, instances: [] };
}

function renderInstances() {
	const service = selectedService();
	document.querySelector('#instances tbody').replaceChildren(...service.instances.map((instance) => el('tr',
		{ 'data-instance': instance.instanceId },
		el('td', {}, instance.instanceId),
		el('td', {}, instance.host + ':' + instance.port),
		el('td', {}, el('span', { class: 'health ' + instance.health }, instance.health)),
		el('td', {}, instance.version || '-'),
		el('td', {}, uptime(instance.uptimeSeconds)),
		el('td', { class: 'meta' }, Object.entries(instance.metadata).map(([k, v]) => k + '=' + v).join(', ')))));
	for (const id of ['trace-instance', 'config-instance']) {
		const select = document.getElementById(id);
		const current = select.value;
		select.replaceChildren(...service.instances.map((instance) => el('option', { value: instance.instanceId }, instance.instanceId)));
		if (service.instances.some((instance) => instance.instanceId === current)) select.value = current;
	}
}

async function select(name) {
	state.selected = name;
	stopLogs();
	document.getElementById('empty').hidden = true;
	document.getElementById('service').hidden = false;
	document.getElementById('service-name').textContent = name;
	document.querySelectorAll('#services li').forEach((item) => item.classList.toggle('selected', item.dataset.service === name));
	['traces', 'trace-tree', 'logs', 'config', 'config-reload', 'sync', 'auth-out'].forEach((id) => document.getElementById(id).replaceChildren());
	document.getElementById('call-result').hidden = true;
	renderInstances();
	loadCatalog(name);
	loadSync();
	loadAuth();
}

async function loadCatalog(name) {
	const body = document.querySelector('#endpoints tbody');
	const grpc = document.getElementById('grpc');
	body.replaceChildren(el('tr', {}, el('td', { colSpan: 5 }, 'reading…')));
	grpc.replaceChildren();
	try {
		const catalog = await getJson('services/' + encodeURIComponent(name) + '/catalog');
		body.replaceChildren(...catalog.http.map((operation) => {
			const row = el('tr', { class: 'endpoint', 'data-path': operation.path },
				el('td', {}, operation.methods.join(', ') || 'any'), el('td', {}, operation.path),
				el('td', {}, operation.consumes.join(', ')), el('td', {}, operation.produces.join(', ')),
				el('td', { class: 'meta' }, operation.handler));
			row.addEventListener('click', () => {
				document.getElementById('call-path').value = operation.path;
				const method = operation.methods[0] || 'GET';
				if ([...document.getElementById('call-method').options].some((o) => o.value === method)) {
					document.getElementById('call-method').value = method;
				}
			});
			return row;
		}));
		if (catalog.grpc.length) {
			grpc.append(el('p', {}, 'gRPC: ' + catalog.grpc.map((m) => m.service + '/' + m.method + ' (' + m.type.toLowerCase()
				+ (m.idempotent ? ', idempotent' : '') + ')').join('; ')));
		}
	} catch (error) {
		body.replaceChildren(el('tr', {}, el('td', { colSpan: 5 }, 'no catalog: ' + error.message)));
	}
}

async function call(event) {
	event.preventDefault();
	const result = document.getElementById('call-result');
	const request = {
		service: state.selected,
		method: document.getElementById('call-method').value,
		path: document.getElementById('call-path').value,
		key: document.getElementById('call-key').value || null,
		body: document.getElementById('call-body').value || null,
	};
	try {
		const answer = await getJson('call', { method: 'POST', headers: { 'Content-Type': 'application/json', ...csrfHeaders() }, body: JSON.stringify(request) });
		document.getElementById('call-status').textContent = answer.status;
		document.getElementById('call-instance').textContent = answer.instanceId;
		document.getElementById('call-address').textContent = answer.address;
		document.getElementById('call-millis').textContent = answer.millis;
		const trace = document.getElementById('call-trace');
		trace.textContent = answer.traceId;
		trace.onclick = (click) => { click.preventDefault(); showTrace(answer.instanceId, answer.traceId); };
		document.getElementById('call-body-out').textContent = answer.body;
	} catch (error) {
		document.getElementById('call-status').textContent = 'refused';
		document.getElementById('call-instance').textContent = '-';
		document.getElementById('call-body-out').textContent = error.message;
	}
	result.hidden = false;
}

async function loadTraces() {
	const instance = document.getElementById('trace-instance').value;
	const list = document.getElementById('traces');
	try {
		const answer = await getJson('instances/' + encodeURIComponent(instance) + '/traces?limit=20');
		list.replaceChildren(...answer.traces.map((trace) => {
			const link = el('a', { href: '#' }, trace.name + ' — ' + trace.durationMillis.toFixed(1) + ' ms, '
				+ trace.spans + ' spans' + (trace.errors ? ', ' + trace.errors + ' errors' : ''));
			link.addEventListener('click', (event) => { event.preventDefault(); showTrace(instance, trace.traceId); });
			return el('li', { 'data-trace': trace.traceId }, link);
		}));
	} catch (error) {
		list.replaceChildren(el('li', {}, 'no traces: ' + error.message));
	}
}

const sleep = (millis) => new Promise((resolve) => setTimeout(resolve, millis));

// A call's spans reach the instance's collector when they end, a moment after the answer:
// ask a few times before saying the trace is not there.
async function readTrace(instance, traceId) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await getJson('instances/' + encodeURIComponent(instance) + '/traces/' + encodeURIComponent(traceId));
		} catch (error) {
			if (attempt >= 10) throw error;
			await sleep(500);
		}
	}
}

async function showTrace(instance, traceId) {
	const tree = document.getElementById('trace-tree');
	tree.replaceChildren(el('p', {}, 'reading trace ' + traceId + '…'));
	try {
		const trace = await readTrace(instance, traceId);
		const lines = [el('p', {}, 'trace ' + trace.traceId + ', ' + trace.durationMillis.toFixed(1) + ' ms')];
		const walk = (node, depth) => {
			lines.push(el('div', { class: 'span' + (node.error ? ' error' : ''), 'data-span': node.name },
				'  '.repeat(depth) + node.name + ' [' + node.kind.toLowerCase() + '] +' + node.offsetMillis.toFixed(1)
				+ ' ms, ' + node.durationMillis.toFixed(1) + ' ms'));
			node.children.forEach((child) => walk(child, depth + 1));
		};
		trace.roots.forEach((root) => walk(root, 0));
		tree.replaceChildren(...lines);
	} catch (error) {
		tree.replaceChildren(el('p', {}, 'trace ' + traceId + ' not found on ' + instance + ': ' + error.message));
	}
}

function stopLogs() {
	if (state.logs) {
		state.logs.close();
		state.logs = null;
	}
	document.getElementById('logs-toggle').textContent = 'Follow logs';
	document.getElementById('logs-state').textContent = '';
}

function toggleLogs() {
	if (state.logs) {
		stopLogs();
		return;
	}
	const out = document.getElementById('logs');
	const source = new EventSource(api('logs/stream?service=' + encodeURIComponent(state.selected)));
	state.logs = source;
	document.getElementById('logs-toggle').textContent = 'Stop';
	source.addEventListener('open', () => { document.getElementById('logs-state').textContent = 'following'; });
	source.addEventListener('log', (event) => {
		const entry = JSON.parse(event.data);
		out.append(el('div', { 'data-testid': 'log-line' }, entry.timestamp + ' ' + entry.instance + ' ' + entry.level + ' '
			+ entry.logger + ' - ' + entry.message));
		while (out.childElementCount > 500) out.firstElementChild.remove();
		out.scrollTop = out.scrollHeight;
	});
	source.addEventListener('unavailable', (event) => {
		const entry = JSON.parse(event.data);
		out.append(el('div', { class: 'note' }, entry.instance + ': ' + entry.reason));
	});
	source.onerror = () => { document.getElementById('logs-state').textContent = 'reconnecting…'; };
}

async function loadConfig() {
	const instance = document.getElementById('config-instance').value;
	const out = document.getElementById('config');
	const reload = document.getElementById('config-reload');
	try {
		const props = await getJson('instances/' + encodeURIComponent(instance) + '/configprops');
		const phanes = {};
		Object.values(props.contexts || {}).forEach((context) => Object.values(context.beans || {}).forEach((bean) => {
			if (bean.prefix && bean.prefix.startsWith('phanes')) phanes[bean.prefix] = bean.properties;
		}));
		out.textContent = JSON.stringify(phanes, null, 2);
	} catch (error) {
		out.textContent = 'configprops not readable: ' + error.message;
	}
	try {
		const health = await getJson('instances/' + encodeURIComponent(instance) + '/health');
		const config = (health.components || {}).phanesConfig;
		reload.textContent = config ? 'last reload: ' + config.status + ' ' + JSON.stringify(config.details || {}) : 'no reload health (phanesConfig)';
	} catch (error) {
		reload.textContent = 'health not readable: ' + error.message;
	}
}

async function firstInstanceRead(endpoint, target) {
	const service = selectedService();
	if (!service.instances.length) return;
	try {
		const answer = await getJson('instances/' + encodeURIComponent(service.instances[0].instanceId) + '/' + endpoint);
		target.textContent = JSON.stringify(answer, null, 2);
	} catch (error) {
		target.textContent = 'not available: ' + error.message;
	}
}

function loadSync() {
	firstInstanceRead('sync', document.getElementById('sync'));
}

function loadAuth(event) {
	if (event) event.preventDefault();
	const query = new URLSearchParams();
	if (event) {
		query.set('method', document.getElementById('auth-method').value);
		query.set('path', document.getElementById('auth-path').value);
		const caller = document.getElementById('auth-caller').value;
		const scopes = document.getElementById('auth-scopes').value;
		if (caller) query.set('caller', caller);
		if (scopes) query.set('scopes', scopes);
	}
	firstInstanceRead('auth' + (event ? '?' + query : ''), document.getElementById('auth-out'));
}

async function start() {
	try {
		state.settings = await getJson('settings');
	} catch (error) {
		document.getElementById('status').textContent = 'cannot read settings: ' + error.message;
		return;
	}
	const methods = document.getElementById('call-method');
	methods.replaceChildren(...state.settings.callMethods.map((method) => el('option', { value: method }, method)));
	document.getElementById('call-send').disabled = !state.settings.callEnabled;
	document.getElementById('call-off').hidden = state.settings.callEnabled;
	document.getElementById('call').addEventListener('submit', call);
	document.getElementById('traces-load').addEventListener('click', loadTraces);
	document.getElementById('logs-toggle').addEventListener('click', toggleLogs);
	document.getElementById('config-load').addEventListener('click', loadConfig);
	document.getElementById('auth').addEventListener('submit', loadAuth);
	// the next reading 2 s after the last one ended, never two at once
	const refresh = async () => {
		await refreshServices();
		setTimeout(refresh, 2000);
	};
	refresh();
}

start();
