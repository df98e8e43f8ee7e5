import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Api } from './api/client.js';
import { App } from './app.js';
import './styles.css';

const api = new Api(window.location.origin);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
